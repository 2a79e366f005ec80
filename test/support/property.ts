// fast-check with a printed seed: every run says its seed, and a failure says the one command that replays it.
//   FC_SEED=1234 npm test -- <file>      (FC_RUNS=N for more cases)
import fc from 'fast-check';

export function checkProperty<Ts extends [unknown, ...unknown[]]>(
  name: string,
  file: string,
  property: fc.IProperty<Ts>,
  runs = 200,
): void {
  const seed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : Date.now() % 2 ** 31;
  const numRuns = process.env.FC_RUNS !== undefined ? Number(process.env.FC_RUNS) : runs;
  console.log(`# ${name}: seed ${seed}, ${numRuns} runs`);
  const out = fc.check(property, { seed, numRuns });
  if (out.failed) {
    throw new Error(
      `${name} failed (seed ${seed}, counterexample ${fc.stringify(out.counterexample)}): ${String(out.errorInstance ?? '')}\n` +
        `reproduce: FC_SEED=${seed} npm test -- ${file}`,
    );
  }
}
