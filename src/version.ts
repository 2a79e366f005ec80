import { existsSync, readFileSync } from 'node:fs';

// package.json sits one level above src/ (dev) and two above dist/src/ (built): the first one found upwards.
const pkgFile = [new URL('../package.json', import.meta.url), new URL('../../package.json', import.meta.url)].find(
  (u) => existsSync(u),
);
const pkg = JSON.parse(readFileSync(pkgFile ?? new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export const VERSION: string = pkg.version;
