// Classifies objects with the REAL kstatus library (sigs.k8s.io/cli-utils/pkg/kstatus/status, what Flux, kpt and
// cli-utils-based tools use to wait for resources) through the small Go program in test/tools/kstatus. The binary
// is built once per source revision into the test-infra cache (`TEST_INFRA_CACHE`, by default
// ~/.cache/routine-load-operator); go.sum pins the library. No Go toolchain: the test fails loudly, never skips.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CACHE_DIR } from '../../devenv/config.ts';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'tools', 'kstatus');
const GO = process.env.GO ?? 'go';

export type KStatus = 'InProgress' | 'Failed' | 'Current' | 'Terminating' | 'NotFound' | 'Unknown';

let built: string | undefined;

function binary(): string {
  if (built) return built;
  const hash = createHash('sha256');
  for (const f of ['go.mod', 'go.sum', 'main.go']) hash.update(readFileSync(join(SRC, f)));
  const cache = join(CACHE_DIR, 'kstatus');
  const out = join(cache, `kstatus-classify-${hash.digest('hex').slice(0, 16)}`);
  if (!existsSync(out)) {
    mkdirSync(cache, { recursive: true });
    const r = spawnSync(GO, ['build', '-mod=readonly', '-o', out, '.'], { cwd: SRC, encoding: 'utf8' });
    if (r.error || r.status !== 0)
      throw new Error(
        `cannot build test/tools/kstatus with ${GO} (a Go toolchain and the Go module proxy are needed): ${r.error?.message ?? r.stderr}`,
      );
  }
  built = out;
  return out;
}

/** kstatus status and message of each object, in order. */
export function kstatus(objects: unknown[]): Array<{ status: KStatus; message: string }> {
  const r = spawnSync(binary(), [], { input: JSON.stringify(objects), encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`kstatus-classify failed: ${r.error?.message ?? r.stderr}`);
  return JSON.parse(r.stdout) as Array<{ status: KStatus; message: string }>;
}
