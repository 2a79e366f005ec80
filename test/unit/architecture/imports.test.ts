// The import layers, enforced: every static and dynamic import (and `export … from`) in the operator, the emulator,
// the benchmark and the scripts is read with a small scanner, resolved, and checked against the rules below. A
// violation names the file, the import and the rule it breaks.
//
// Layers of the operator (low → high); an import may only go down or stay level:
//   leaf helpers (observability/, version.ts) → api/ → adapters (starrocks/, kafka/, avro/) → reconcile/
//   (the pure decision core) → controller/ (the shell) → cli/
// The decision core is pure: what it imports (types aside) reaches no module that does I/O.
// Units of their own: the controller runtime (generic, imports nothing of the operator) and the StarRocks emulator
// (an independent implementation, imports nothing outside itself). Nothing in src/ imports test code, the emulator
// or the dev environment; the benchmark and the scripts import no test code (the emulator and the dev environment
// are units of their own, not test code, once they live outside test/).
import assert from 'node:assert/strict';
import { existsSync, globSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

// Folder paths (relative to the repository root). Update these when a unit moves.
const SRC_DIR = 'src';
const TEST_DIR = 'test';
const RUNTIME_DIR = 'runtime';
const EMULATOR_DIR = 'emulator';
const DEVENV_DIR = 'devenv';
const BENCH_DIR = 'bench';
const SCRIPTS_DIR = 'scripts';

/** What is scanned. */
const SCANNED = [SRC_DIR, RUNTIME_DIR, EMULATOR_DIR, DEVENV_DIR, BENCH_DIR, SCRIPTS_DIR];
/** A unit's own tests (they may use the dev environment and shared fixtures); not the unit's code. */
const UNIT_TESTS = [`${RUNTIME_DIR}/test`, `${EMULATOR_DIR}/test`];

/** The operator's layers, by folder under src/ (a file directly in src/ is named by its file name). */
const LAYERS: Record<string, { rank: number; name: string }> = {
  observability: { rank: 0, name: 'leaf helper' },
  // Reserved for leaf helpers that are not about observability (none today).
  common: { rank: 0, name: 'leaf helper' },
  text: { rank: 0, name: 'leaf helper' },
  'version.ts': { rank: 0, name: 'leaf helper' },
  api: { rank: 1, name: 'api' },
  starrocks: { rank: 2, name: 'adapter' },
  kafka: { rank: 2, name: 'adapter' },
  avro: { rank: 2, name: 'adapter' },
  reconcile: { rank: 3, name: 'decision core' },
  controller: { rank: 4, name: 'shell' },
  cli: { rank: 5, name: 'cli' },
};
/** Only the shell and above may use the controller runtime. */
const RUNTIME_RANK = LAYERS.controller?.rank ?? 4;
const LAYER_ORDER = 'leaf helpers → api → adapters (starrocks, kafka, avro) → reconcile → controller → cli';

/**
 * Imports allowed to break a rule for a while, each with the reason and who removes it (none today). An entry
 * that no longer occurs fails the test, so the list cannot go stale.
 */
const KNOWN_PENDING = new Set<string>([]);

// ---------------------------------------------------------------- scanner

export interface ImportRef {
  /** Repository-relative path of the importing file. */
  file: string;
  /** The specifier as written. */
  specifier: string;
  line: number;
  dynamic: boolean;
  /** Erased when the code runs: `import type`, `export type`, or only `type` names between the braces. */
  typeOnly: boolean;
}

/**
 * Whole-line `//` comments, then block comments that start a line, blanked out with line breaks kept (so line
 * numbers stay right). Only comments that start a line: `/*` inside a string or after `//` (a glob like
 * `docs/*.lua`) is not a comment, and a simple scanner cannot tell strings apart.
 */
function withoutComments(text: string): string {
  const blank = (c: string) => c.replace(/[^\n]/g, ' ');
  return text.replace(/^[ \t]*\/\/.*$/gm, blank).replace(/^[ \t]*\/\*[\s\S]*?\*\//gm, blank);
}

// `import … from '…'`, `import type … from '…'`, `export … from '…'` (possibly over several lines), and
// `import '…'`: statements start a line. Dynamic `import('…')` with a literal may stand anywhere.
const STATIC = /^[ \t]*(?:import|export)\b[^;'"`]*?\bfrom\s*(['"])([^'"\n]+)\1/gm;
const BARE = /^[ \t]*import\s*(['"])([^'"\n]+)\1/gm;
const DYNAMIC = /\bimport\(\s*(['"`])([^'"`\n]+)\1\s*\)/g;

function isTypeOnly(statement: string): boolean {
  if (/^\s*(?:import|export)\s+type\b/.test(statement)) return true;
  const named = statement.match(/^\s*(?:import|export)\s*\{([^}]*)\}\s*from/);
  const names =
    named?.[1]
      ?.split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '') ?? [];
  return names.length > 0 && names.every((s) => s.startsWith('type '));
}

export function scanImports(file: string, text: string): ImportRef[] {
  const code = withoutComments(text);
  const lineAt = (i: number) => code.slice(0, i).split('\n').length;
  const out: ImportRef[] = [];
  for (const [re, dynamic] of [
    [STATIC, false],
    [BARE, false],
    [DYNAMIC, true],
  ] as const) {
    for (const m of code.matchAll(re)) {
      const at = (m.index ?? 0) + m[0].lastIndexOf(m[2] as string);
      out.push({ file, specifier: m[2] as string, line: lineAt(at), dynamic, typeOnly: !dynamic && isTypeOnly(m[0]) });
    }
  }
  return out.sort((a, b) => a.line - b.line);
}

/** The repository-relative target of a relative specifier; undefined for a package (`pino`, `node:fs`). */
function resolveTarget(ref: ImportRef): string | undefined {
  if (!ref.specifier.startsWith('.')) return undefined;
  return posix.normalize(posix.join(posix.dirname(ref.file), ref.specifier));
}

// ---------------------------------------------------------------- rules

const under = (p: string, dir: string) => p === dir || p.startsWith(`${dir}/`);

type Unit = 'emulator' | 'devenv' | 'runtime' | 'src' | 'test' | 'bench' | 'scripts' | 'other';

function unitOf(p: string): Unit {
  if (UNIT_TESTS.some((d) => under(p, d))) return 'test';
  if (under(p, EMULATOR_DIR)) return 'emulator';
  if (under(p, DEVENV_DIR)) return 'devenv';
  if (under(p, RUNTIME_DIR)) return 'runtime';
  if (under(p, SRC_DIR)) return 'src';
  if (under(p, TEST_DIR)) return 'test';
  if (under(p, BENCH_DIR)) return 'bench';
  if (under(p, SCRIPTS_DIR)) return 'scripts';
  return 'other';
}

/** The layer of a file in src/ (outside the runtime); undefined for a folder no rule knows. */
function layerOf(p: string): { rank: number; name: string; folder: string } | undefined {
  const folder = p.slice(SRC_DIR.length + 1).split('/')[0] as string;
  const layer = LAYERS[folder];
  return layer && { ...layer, folder };
}

export interface Violation {
  /** `from -> to`, the key KNOWN_PENDING uses. */
  edge: string;
  text: string;
}

function rule(ref: ImportRef, target: string): string | undefined {
  const from = unitOf(ref.file);
  const to = unitOf(target);
  if (from === 'emulator' && to !== 'emulator')
    return 'the emulator is an independent implementation: it imports nothing outside itself';
  if (from === 'runtime' && to !== 'runtime')
    return 'the controller runtime is a generic unit: it imports nothing of the operator outside itself';
  if ((from === 'bench' || from === 'scripts' || from === 'devenv') && to === 'test')
    return 'the benchmark, the scripts and the dev environment import no test code';
  if (from !== 'src') return undefined;
  if (to !== 'src' && to !== 'runtime')
    return 'src/ imports only src/: never test code, the emulator or the dev environment';
  const a = layerOf(ref.file);
  if (!a) return `src/${ref.file.split('/')[1]} has no layer: add it to LAYERS`;
  if (to === 'runtime')
    return a.rank < RUNTIME_RANK
      ? `${a.name} ${a.folder}/ imports the controller runtime (only the shell may)`
      : undefined;
  const b = layerOf(target);
  if (!b) return `src/${target.split('/')[1]} has no layer: add it to LAYERS`;
  if (b.rank > a.rank)
    return `${a.name} ${a.folder}/ imports ${b.name} ${b.folder}/ (layers, low → high: ${LAYER_ORDER})`;
  return undefined;
}

/** Every import of `sources` that breaks a rule or does not resolve to a file. */
export function checkImports(
  sources: Array<{ file: string; text: string }>,
  exists: (path: string) => boolean,
): Violation[] {
  const out: Violation[] = [];
  for (const { file, text } of sources) {
    for (const ref of scanImports(file, text)) {
      const target = resolveTarget(ref);
      if (target === undefined) continue;
      const where = `${ref.file}:${ref.line} ${ref.dynamic ? 'import(' : 'from '}'${ref.specifier}'${ref.dynamic ? ')' : ''}`;
      const edge = `${ref.file} -> ${target}`;
      if (!exists(target)) out.push({ edge, text: `${where}: resolves to no file (${target})` });
      const broken = rule(ref, target);
      if (broken) out.push({ edge, text: `${where}: ${broken}` });
    }
  }
  return out;
}

/** Folder-level cycles among src/ folders as `a → b → a`. */
export function folderCycles(
  sources: Array<{ file: string; text: string }>,
  skip: (edge: string) => boolean,
): string[] {
  const folderOf = (p: string) => p.split('/')[1];
  const graph = new Map<string, Set<string>>();
  for (const { file, text } of sources) {
    if (!under(file, SRC_DIR)) continue;
    for (const ref of scanImports(file, text)) {
      const target = resolveTarget(ref);
      if (!target || !under(target, SRC_DIR) || skip(`${file} -> ${target}`)) continue;
      const [a, b] = [folderOf(file) as string, folderOf(target) as string];
      if (a !== b) graph.set(a, (graph.get(a) ?? new Set()).add(b));
    }
  }
  const cycles = new Set<string>();
  const walk = (node: string, path: string[]) => {
    for (const next of graph.get(node) ?? []) {
      const i = path.indexOf(next);
      if (i >= 0) {
        const loop = path.slice(i);
        // One spelling per cycle: start at its smallest folder.
        const k = loop.indexOf([...loop].sort()[0] as string);
        const canon = [...loop.slice(k), ...loop.slice(0, k)];
        cycles.add([...canon, canon[0]].join(' → '));
      } else walk(next, [...path, next]);
    }
  };
  for (const start of graph.keys()) walk(start, [start]);
  return [...cycles].sort();
}

/** Packages and node modules that reach outside the process (network, files, processes, the host, logs). */
const IO_MODULES = [
  'mysql2',
  'kafkajs',
  'undici',
  '@kubernetes/client-node',
  'pino',
  'prom-client',
  'node:fs',
  'node:net',
  'node:http',
  'node:https',
  'node:http2',
  'node:tls',
  'node:dns',
  'node:dgram',
  'node:child_process',
  'node:worker_threads',
  'node:os',
];
const isIoModule = (specifier: string) =>
  IO_MODULES.some((m) => specifier === m || specifier.startsWith(`${m}/`) || specifier === m.replace(/^node:/, ''));

/**
 * The decision core (reconcile/) stays pure: none of its imports that survive type erasure reaches, directly or
 * through other modules of src/, a module that does I/O. Returns the chains that do.
 */
export function impureImports(sources: Array<{ file: string; text: string }>): Violation[] {
  const values = new Map<string, ImportRef[]>();
  for (const { file, text } of sources)
    values.set(
      file,
      scanImports(file, text).filter((r) => !r.typeOnly),
    );
  // Modules that reach I/O, with the chain that does, to a fixed point (cycles included).
  const reaches = new Map<string, string[]>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const [file, refs] of values) {
      if (reaches.has(file)) continue;
      for (const ref of refs) {
        const target = resolveTarget(ref);
        const via = target === undefined ? (isIoModule(ref.specifier) ? [] : undefined) : reaches.get(target);
        if (via === undefined) continue;
        reaches.set(file, [target ?? ref.specifier, ...via]);
        changed = true;
        break;
      }
    }
  }
  const out: Violation[] = [];
  for (const [file, refs] of values) {
    if (unitOf(file) !== 'src' || layerOf(file)?.folder !== 'reconcile') continue;
    for (const ref of refs) {
      const target = resolveTarget(ref);
      const rest = target === undefined ? (isIoModule(ref.specifier) ? [] : undefined) : reaches.get(target);
      if (rest === undefined) continue;
      const path = [target ?? ref.specifier, ...rest];
      out.push({
        edge: `${file} -> ${target ?? ref.specifier}`,
        text: `${file}:${ref.line} from '${ref.specifier}': the decision core is pure, but this reaches I/O (${path.join(' → ')}); import only types from it`,
      });
    }
  }
  return out;
}

function repositorySources(): Array<{ file: string; text: string }> {
  return SCANNED.flatMap((dir) => globSync(`${dir}/**/*.{ts,mts,js,mjs}`, { cwd: ROOT }))
    .map((f) => f.split('\\').join('/'))
    .filter((f, i, all) => !f.includes('/node_modules/') && all.indexOf(f) === i)
    .sort()
    .map((file) => ({ file, text: readFileSync(join(ROOT, file), 'utf8') }));
}

// ---------------------------------------------------------------- tests

describe('import layers', () => {
  const sources = repositorySources();

  test('the scan covers the operator, the runtime, the emulator, the benchmark and the scripts', () => {
    // A folder constant left behind by a move fails here rather than silently checking nothing.
    for (const dir of [...SCANNED, DEVENV_DIR]) assert.ok(existsSync(join(ROOT, dir)), `${dir} does not exist`);
    for (const dir of SCANNED)
      assert.ok(
        sources.some((s) => under(s.file, dir)),
        `nothing scanned under ${dir}`,
      );
    const refs = sources.flatMap((s) => scanImports(s.file, s.text));
    assert.ok(refs.length > 300, `only ${refs.length} imports found: the scanner is broken`);
  });

  test('no import breaks a layer rule (KNOWN_PENDING aside)', () => {
    const found = checkImports(sources, (p) => existsSync(join(ROOT, p)));
    const broken = found.filter((v) => !KNOWN_PENDING.has(v.edge)).map((v) => v.text);
    assert.deepEqual(broken, [], `imports breaking the layer rules:\n  ${broken.join('\n  ')}`);
    const stale = [...KNOWN_PENDING].filter((e) => !found.some((v) => v.edge === e));
    assert.deepEqual(
      stale,
      [],
      `KNOWN_PENDING lists imports that no longer break a rule; remove them:\n  ${stale.join('\n  ')}`,
    );
  });

  test('the decision core imports nothing that does I/O (types aside)', () => {
    const found = impureImports(sources).map((v) => v.text);
    assert.deepEqual(found, [], `the decision core reaches I/O:\n  ${found.join('\n  ')}`);
  });

  test('no cycle between folders of src/ (KNOWN_PENDING aside)', () => {
    assert.deepEqual(
      folderCycles(sources, (e) => KNOWN_PENDING.has(e)),
      [],
    );
  });
});

describe('import scanner (self-test: the rules can fail)', () => {
  const planted = [
    {
      file: 'src/starrocks/bad.ts',
      text: [
        '// import { x } from "../cli/commented.ts"; (a comment is not an import, nor is docs/*.lua here)',
        "import type { DesiredJob } from '../reconcile/desired.ts';",
        'import {',
        '  a,',
        '  b,',
        "} from '../controller/reconciler.ts';",
        "export * from '../api/common.ts';",
        "const later = await import('../cli/main.ts');",
      ].join('\n'),
    },
    { file: 'src/reconcile/bad.ts', text: "export { Reconciler } from '../controller/reconciler.ts';" },
    { file: 'src/api/bad.ts', text: "import { quoteIdent } from '../starrocks/quote.ts';" },
    { file: 'src/observability/bad.ts', text: "import type { RoutineLoadJob } from '../api/routineloadjob.ts';" },
    { file: 'src/kafka/bad.ts', text: "import { WorkQueue } from '../../runtime/workqueue.ts';" },
    {
      file: 'src/controller/bad.ts',
      text: "import { x } from '../cli/plan.ts';\nimport '../../test/support/observed.ts';",
    },
    {
      file: `${RUNTIME_DIR}/bad.ts`,
      text: `import { MASK } from '${posix.relative(RUNTIME_DIR, 'src/observability/redact.ts')}';`,
    },
    {
      file: `${EMULATOR_DIR}/bad.ts`,
      text: `import { quoteIdent } from '${posix.relative(EMULATOR_DIR, 'src/starrocks/quote.ts')}';`,
    },
    { file: 'bench/bad.ts', text: "import { paths } from '../test/support/dockerfile.ts';" },
    { file: 'src/newfolder/bad.ts', text: "import { x } from '../api/common.ts';" },
    { file: 'src/cli/bad.ts', text: "import { x } from './missing.ts';" },
  ];
  const found = checkImports(planted, (p) => !p.endsWith('missing.ts'));
  const edges = (text: string) => found.filter((v) => v.text.includes(text)).map((v) => v.edge);

  test('finds each planted violation, static, multi-line, re-export and dynamic, and names the rule', () => {
    assert.deepEqual(edges('adapter starrocks/ imports'), [
      'src/starrocks/bad.ts -> src/reconcile/desired.ts',
      'src/starrocks/bad.ts -> src/controller/reconciler.ts',
      'src/starrocks/bad.ts -> src/cli/main.ts',
    ]);
    assert.deepEqual(edges('decision core reconcile/ imports shell'), [
      'src/reconcile/bad.ts -> src/controller/reconciler.ts',
    ]);
    assert.deepEqual(edges('api api/ imports adapter'), ['src/api/bad.ts -> src/starrocks/quote.ts']);
    assert.deepEqual(edges('leaf helper observability/ imports api'), [
      'src/observability/bad.ts -> src/api/routineloadjob.ts',
    ]);
    assert.deepEqual(edges('imports the controller runtime'), ['src/kafka/bad.ts -> runtime/workqueue.ts']);
    assert.deepEqual(edges('shell controller/ imports cli'), ['src/controller/bad.ts -> src/cli/plan.ts']);
    assert.deepEqual(edges('src/ imports only src/'), ['src/controller/bad.ts -> test/support/observed.ts']);
    assert.deepEqual(edges('controller runtime is a generic unit'), [
      `${RUNTIME_DIR}/bad.ts -> src/observability/redact.ts`,
    ]);
    assert.deepEqual(edges('the emulator is an independent'), [`${EMULATOR_DIR}/bad.ts -> src/starrocks/quote.ts`]);
    assert.deepEqual(edges('import no test code'), ['bench/bad.ts -> test/support/dockerfile.ts']);
    assert.deepEqual(edges('has no layer'), ['src/newfolder/bad.ts -> src/api/common.ts']);
    assert.deepEqual(edges('resolves to no file'), ['src/cli/bad.ts -> src/cli/missing.ts']);
  });

  test('a comment is not an import, and line numbers point at the specifier', () => {
    const refs = scanImports('src/starrocks/bad.ts', planted[0]?.text ?? '');
    assert.deepEqual(
      refs.map((r) => [r.line, r.specifier, r.dynamic]),
      [
        [2, '../reconcile/desired.ts', false],
        [6, '../controller/reconciler.ts', false],
        [7, '../api/common.ts', false],
        [8, '../cli/main.ts', true],
      ],
    );
  });

  test('finds an import of the decision core that reaches I/O, and lets a type-only import pass', () => {
    const impure = impureImports([
      {
        file: 'src/reconcile/a.ts',
        text: "import { read } from '../starrocks/b.ts';\nimport type { C } from '../starrocks/c.ts';",
      },
      {
        file: 'src/reconcile/d.ts',
        text: "import { type C, type D } from '../starrocks/c.ts';\nimport { hostname } from 'node:os';",
      },
      { file: 'src/starrocks/b.ts', text: "import { x } from './c.ts';" },
      { file: 'src/starrocks/c.ts', text: "import { createPool } from 'mysql2/promise';" },
      // A cycle before the I/O: e imports f, f imports e and then the I/O.
      { file: 'src/reconcile/g.ts', text: "import { e } from '../kafka/e.ts';" },
      { file: 'src/kafka/e.ts', text: "import { f } from './f.ts';" },
      { file: 'src/kafka/f.ts', text: "import { e } from './e.ts';\nimport { Kafka } from 'kafkajs';" },
    ]);
    assert.deepEqual(
      impure.map((v) => v.edge),
      [
        'src/reconcile/a.ts -> src/starrocks/b.ts',
        'src/reconcile/d.ts -> node:os',
        'src/reconcile/g.ts -> src/kafka/e.ts',
      ],
    );
    assert.match(impure[0]?.text ?? '', /src\/starrocks\/b\.ts → src\/starrocks\/c\.ts → mysql2\/promise/);
  });

  test('finds a cycle between folders', () => {
    const cyc = [
      { file: 'src/starrocks/a.ts', text: "import type { X } from '../reconcile/b.ts';" },
      { file: 'src/reconcile/b.ts', text: "import type { Y } from '../starrocks/a.ts';" },
    ];
    assert.deepEqual(
      folderCycles(cyc, () => false),
      ['reconcile → starrocks → reconcile'],
    );
  });
});
