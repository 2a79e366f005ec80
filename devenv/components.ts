// How each real component of the test environment is configured, started and probed. All of them listen on
// 127.0.0.1 only, on free ports, with their data and logs in the environment's run folder.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { paths } from './config.ts';
import { findJava } from './java.ts';
import { freePort, run, startDaemon, waitFor } from './process.ts';

export interface ProcessInfo {
  pid: number;
  log: string;
}

const httpOk = async (url: string) => (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;

// ---------------------------------------------------------------- etcd

export interface EtcdInfo extends ProcessInfo {
  endpoint: string;
}

export async function startEtcd(runDir: string): Promise<EtcdInfo> {
  const [client, peer] = [await freePort(), await freePort()];
  const dir = join(runDir, 'etcd');
  mkdirSync(dir, { recursive: true });
  const log = join(runDir, 'logs', 'etcd.log');
  const endpoint = `http://127.0.0.1:${client}`;
  const pid = startDaemon(
    paths.etcd,
    [
      '--name=test',
      `--data-dir=${join(dir, 'data')}`,
      `--listen-client-urls=${endpoint}`,
      `--advertise-client-urls=${endpoint}`,
      `--listen-peer-urls=http://127.0.0.1:${peer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
      `--initial-cluster=test=http://127.0.0.1:${peer}`,
      '--unsafe-no-fsync',
      '--log-level=warn',
    ],
    log,
  );
  await waitFor('etcd', async () => (await (await fetch(`${endpoint}/health`)).text()).includes('"health":"true"'), {
    timeoutMs: 30_000,
    pid,
    logFile: log,
  });
  return { pid, log, endpoint };
}

// ---------------------------------------------------------------- kube-apiserver

export interface ApiserverInfo extends ProcessInfo {
  server: string;
  caFile: string;
  kubeconfig: string;
  adminToken: string;
}

function getRaw(
  server: string,
  path: string,
  caFile?: string,
  token?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolveReq, reject) => {
    const req = httpsRequest(
      `${server}${path}`,
      {
        ca: caFile ? readFileSync(caFile) : undefined,
        rejectUnauthorized: Boolean(caFile),
        headers: token ? { authorization: `Bearer ${token}` } : {},
        timeout: 2000,
      },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolveReq({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.end();
  });
}

export function kubeconfigYaml(server: string, caFile: string, user: string, token: string): string {
  // JSON is valid YAML; kubectl, helm and @kubernetes/client-node all read it.
  return `${JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'local', cluster: { server, 'certificate-authority': caFile } }],
      users: [{ name: user, user: { token } }],
      contexts: [{ name: user, context: { cluster: 'local', user } }],
      'current-context': user,
    },
    null,
    2,
  )}\n`;
}

export async function startApiserver(runDir: string, etcd: EtcdInfo): Promise<ApiserverInfo> {
  const port = await freePort();
  const dir = join(runDir, 'kube');
  const certDir = join(dir, 'certs');
  mkdirSync(certDir, { recursive: true });
  const saKey = join(dir, 'sa.key');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(saKey, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  // A fresh random admin token per environment, never a well-known string.
  const adminToken = randomBytes(24).toString('hex');
  writeFileSync(join(dir, 'tokens.csv'), `${adminToken},admin,admin-uid,"system:masters"\n`, { mode: 0o600 });
  const log = join(runDir, 'logs', 'kube-apiserver.log');
  const server = `https://127.0.0.1:${port}`;
  const pid = startDaemon(
    paths.kubeApiserver,
    [
      `--etcd-servers=${etcd.endpoint}`,
      '--bind-address=127.0.0.1',
      // Without an explicit advertise address the apiserver derives one from the default route, which an
      // offline machine may not have.
      '--advertise-address=127.0.0.1',
      `--secure-port=${port}`,
      `--cert-dir=${certDir}`,
      '--service-cluster-ip-range=10.0.0.0/24',
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${saKey}`,
      `--service-account-signing-key-file=${saKey}`,
      `--token-auth-file=${join(dir, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      '--disable-admission-plugins=ServiceAccount',
      '--allow-privileged=true',
      '--v=1',
    ],
    log,
  );
  // The generated apiserver.crt holds the serving cert followed by its self-signed CA: it is the kubeconfig CA.
  const caFile = join(certDir, 'apiserver.crt');
  await waitFor('kube-apiserver', async () => (await getRaw(server, '/readyz')).status === 200, {
    timeoutMs: 90_000,
    pid,
    logFile: log,
  });
  const kubeconfig = join(runDir, 'kubeconfig');
  writeFileSync(kubeconfig, kubeconfigYaml(server, caFile, 'admin', adminToken), { mode: 0o600 });
  // Ready means the RBAC bootstrap roles exist too; check an authenticated, authorised call with the CA.
  await waitFor(
    'kube-apiserver RBAC bootstrap',
    async () => {
      const r = await getRaw(server, '/apis/rbac.authorization.k8s.io/v1/clusterroles/admin', caFile, adminToken);
      return r.status === 200;
    },
    { timeoutMs: 30_000, pid, logFile: log },
  );
  return { pid, log, server, caFile, kubeconfig, adminToken };
}

/** kube-apiserver's `/version`, read through kubectl with the given kubeconfig (as a user would). */
export function kubectlVersion(kubeconfig: string): { gitVersion: string } {
  return JSON.parse(run(paths.kubectl, ['--kubeconfig', kubeconfig, 'get', '--raw', '/version']));
}

// ---------------------------------------------------------------- Kafka (KRaft, single node)

export interface KafkaInfo extends ProcessInfo {
  bootstrap: string;
}

/**
 * Starts (or, with the same runDir and ports, restarts with its data kept) a single-node Kafka. `logName` must
 * differ between starts in one runDir: readiness is read from the log, which a previous start already filled.
 */
export async function startKafka(
  runDir: string,
  opts: { port?: number; controllerPort?: number; logName?: string } = {},
): Promise<KafkaInfo> {
  const port = opts.port ?? (await freePort());
  const controllerPort = opts.controllerPort ?? (await freePort());
  const dir = join(runDir, 'kafka');
  mkdirSync(dir, { recursive: true });
  const props = join(dir, 'server.properties');
  writeFileSync(
    props,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
      `log.dirs=${join(dir, 'data')}`,
      'num.partitions=1',
      // Small internal topics: the default 50 __consumer_offsets partitions make the first group join slow.
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'transaction.state.log.num.partitions=1',
      'group.initial.rebalance.delay.ms=0',
      'auto.create.topics.enable=false',
      // Retention checks often, so tests that delete records see log start offsets move promptly.
      'log.retention.check.interval.ms=5000',
      '',
    ].join('\n'),
  );
  const log4j = join(dir, 'log4j.properties');
  writeFileSync(
    log4j,
    [
      'log4j.rootLogger=WARN, stdout',
      'log4j.logger.kafka.server.KafkaRaftServer=INFO',
      'log4j.appender.stdout=org.apache.log4j.ConsoleAppender',
      'log4j.appender.stdout.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n',
      '',
    ].join('\n'),
  );
  const java = findJava(17, 21) ?? findJava(17);
  if (!java) throw new Error('Kafka needs Java 17+; none found (run `npm run provision`)');
  const jvm = [
    '-Xms256m',
    '-Xmx256m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${log4j}`,
    `-Dkafka.logs.dir=${join(dir, 'logs')}`,
    '-cp',
    `${paths.kafkaLibs}/*`,
  ];
  // A restart keeps its data: formatting again, even with --ignore-formatted, fails on the new cluster id.
  if (!existsSync(join(dir, 'data', 'meta.properties'))) {
    const clusterId = randomBytes(16).toString('base64url');
    // `=` form: a base64url id may start with "-", which the tool's argument parser would take for an option.
    run(java, [
      ...jvm,
      'kafka.tools.StorageTool',
      'format',
      `--cluster-id=${clusterId}`,
      '-c',
      props,
      '--ignore-formatted',
    ]);
  }
  const log = join(runDir, 'logs', opts.logName ?? 'kafka.log');
  const pid = startDaemon(java, [...jvm, 'kafka.Kafka', props], log);
  await waitFor('Kafka', async () => readFileSync(log, 'utf8').includes('Kafka Server started'), {
    timeoutMs: 60_000,
    pid,
    logFile: log,
  });
  return { pid, log, bootstrap: `127.0.0.1:${port}` };
}

// ---------------------------------------------------------------- Apicurio Registry (Confluent-compatible API)

export interface RegistryInfo extends ProcessInfo {
  /** Base URL of the Confluent-compatible API; clients append /subjects, /schemas/ids/{id}, ... */
  url: string;
  version: string;
}

export async function startRegistry(runDir: string): Promise<RegistryInfo> {
  const [port, managementPort] = [await freePort(), await freePort()];
  const java = findJava(21);
  if (!java) throw new Error('Apicurio Registry needs Java 21+; none found (run `npm run provision`)');
  const log = join(runDir, 'logs', 'apicurio.log');
  const pid = startDaemon(
    java,
    [
      '-Xmx384m',
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-Dquarkus.http.host=127.0.0.1',
      `-Dquarkus.http.port=${port}`,
      // The management interface is enabled at build time and would otherwise listen on 0.0.0.0:9000.
      '-Dquarkus.management.host=127.0.0.1',
      `-Dquarkus.management.port=${managementPort}`,
      '-Dquarkus.log.level=WARN',
      '-Dquarkus.log.category."io.quarkus".level=INFO',
      '-jar',
      join(paths.apicurioHome, 'quarkus-run.jar'),
    ],
    log,
    { QUARKUS_PROFILE: 'prod' },
  );
  const url = `http://127.0.0.1:${port}/apis/ccompat/v7`;
  await waitFor('Apicurio Registry', () => httpOk(`${url}/subjects`), { timeoutMs: 120_000, pid, logFile: log });
  const sys = (await (await fetch(`http://127.0.0.1:${port}/apis/registry/v3/system/info`)).json()) as {
    version?: string;
  };
  return { pid, log, url, version: sys.version ?? 'unknown' };
}
