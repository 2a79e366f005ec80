// `npm run walk -- [--steps N] [--seed S] [--without class]...`: one fault walk of any length. Starts the local
// environment (or reuses a running one) and stops it again if it started it. Exit code 1 on a violation, with
// the seed, the reproduction command and the steps taken.
import { down, up } from '../../../devenv/env.ts';
import { parseWalkArgs } from './model.ts';
import { runWalk } from './walk.ts';

const log = (m: string) => process.stderr.write(`${m}\n`);
const opts = parseWalkArgs(process.argv.slice(2));
const { reused } = await up({ log });
let code = 0;
try {
  const r = await runWalk(opts, log);
  log(`[walk] ${((r.seconds / r.steps) * 100).toFixed(0)} s per 100 steps`);
} catch (e) {
  log(e instanceof Error ? e.message : String(e));
  code = 1;
} finally {
  if (!reused) await down({ log });
}
process.exit(code);
