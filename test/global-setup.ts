// Node test runner global setup: one local environment per `npm test` run. An environment that is already up
// (`npm run env:up`) is reused and left running; one started here is stopped at the end.
import { down, up } from '../devenv/env.ts';

let owned = false;
const log = (m: string) => process.stderr.write(`${m}\n`);

export async function globalSetup(): Promise<void> {
  const { reused } = await up({ log });
  owned = !reused;
  log(reused ? '[env] reusing the running environment' : '[env] started for this test run');
}

export async function globalTeardown(): Promise<void> {
  if (owned) await down({ log });
}
