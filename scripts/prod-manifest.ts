// Writes the production-only package.json and package-lock.json the container image installs with
// `npm ci --omit=dev`:  node scripts/prod-manifest.ts <out-dir>
//
// Why not `npm ci --omit=dev` on the repository's own pair: npm ci first checks that the lockfile covers every
// dependency, dev ones included, and the lockfile here lacks the non-Linux optional builds of the dev tools
// (Biome, TypeScript 7; the registry this project is developed against serves only Linux builds). The production
// dependencies have no per-platform packages, so the lockfile pruned to them is complete: same versions, same
// integrity hashes, and npm ci installs exactly them.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

interface Lock {
  lockfileVersion: number;
  packages: Record<string, { dev?: boolean; devOptional?: boolean; devDependencies?: unknown }>;
}

export function productionManifest(root = ROOT): { packageJson: string; lockfile: string } {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as Lock;
  if (lock.lockfileVersion < 2) throw new Error('package-lock.json must be lockfileVersion 2 or 3');
  const { devDependencies: _dev, scripts: _scripts, allowScripts: _allow, ...prod } = pkg;
  const packages: Lock['packages'] = {};
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path === '') {
      const { devDependencies: _d, ...rootEntry } = entry;
      packages[path] = rootEntry;
    } else if (!entry.dev) {
      if (entry.devOptional) throw new Error(`${path} is devOptional: a production dependency with dev-only parts`);
      packages[path] = entry;
    }
  }
  return {
    packageJson: `${JSON.stringify(prod, null, 2)}\n`,
    lockfile: `${JSON.stringify({ ...lock, packages }, null, 2)}\n`,
  };
}

if (import.meta.main) {
  const out = process.argv[2];
  if (!out) {
    console.error('usage: node scripts/prod-manifest.ts <out-dir>');
    process.exit(2);
  }
  const m = productionManifest();
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'package.json'), m.packageJson);
  writeFileSync(join(out, 'package-lock.json'), m.lockfile);
  console.log(`wrote ${join(out, 'package.json')} and package-lock.json (production dependencies only)`);
}
