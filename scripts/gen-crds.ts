// Writes crds/*.yaml from src/api. `--check` fails when the committed files differ (used by the tests).
import { readFileSync, writeFileSync } from 'node:fs';
import * as yaml from 'js-yaml';
import { allCrds } from '../src/api/crds.ts';

export function renderCrdFiles(): Map<string, string> {
  const header = '# Generated from src/api by `npm run gen:crds`. Do not edit by hand.\n';
  return new Map(
    allCrds.map((c) => [`crds/${c.metadata.name}.yaml`, header + yaml.dump(c, { lineWidth: 120, noRefs: true })]),
  );
}

if (import.meta.main) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [file, text] of renderCrdFiles()) {
    if (check) {
      let current = '';
      try {
        current = readFileSync(file, 'utf8');
      } catch {}
      if (current !== text) {
        console.error(`${file} is out of date; run npm run gen:crds`);
        stale++;
      }
    } else {
      writeFileSync(file, text);
      console.log(`wrote ${file}`);
    }
  }
  process.exit(stale ? 1 : 0);
}
