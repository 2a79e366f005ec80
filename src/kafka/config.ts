// The operator's own Kafka client settings for one Routine Load job: the job's librdkafka `property.*` settings
// (the ones StarRocks hands to the consumer on its BEs) mapped to a kafkajs config, so that the operator reads
// topic facts with the same brokers and credentials. What the operator cannot reproduce (Kerberos, OAuth, key and
// certificate files that live on the BEs) is reported, never guessed: a job the operator cannot read facts for
// still runs, it only loses what needs those facts.
import { createHmac, randomBytes } from 'node:crypto';
import type { ConnectionOptions } from 'node:tls';
import kafkajs from 'kafkajs';
import type { DebugLogger } from '../observability/logger.ts';
import { redact } from '../observability/redact.ts';

/** The Kafka side of a job, as the desired state holds it (property names without the `property.` prefix). */
export interface KafkaSource {
  brokers: string[];
  properties: Array<[string, string]>;
  secretProperties: Array<[string, string]>;
}

export interface KafkaClientOptions {
  clientId: string;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Where kafkajs's own log lines go (a pino logger fits). Off when not given. */
  logger?: DebugLogger;
}

export type KafkaClientConfig = { ok: true; config: kafkajs.KafkaConfig; key: string } | { ok: false; message: string };

export const DEFAULT_CONNECTION_TIMEOUT_MS = 2_000;
export const DEFAULT_REQUEST_TIMEOUT_MS = 4_000;

type Protocol = 'plaintext' | 'ssl' | 'sasl_plaintext' | 'sasl_ssl';
const PROTOCOLS: readonly string[] = ['plaintext', 'ssl', 'sasl_plaintext', 'sasl_ssl'];

// librdkafka's mechanism names → kafkajs's. librdkafka compares them case-sensitively (and so do brokers); the
// operator accepts any case: a wrong case is StarRocks' error to report, not a reason to read no facts.
const MECHANISMS: Record<string, 'plain' | 'scram-sha-256' | 'scram-sha-512'> = {
  PLAIN: 'plain',
  'SCRAM-SHA-256': 'scram-sha-256',
  'SCRAM-SHA-512': 'scram-sha-512',
};

// Values that hold key material: part of the key only through the HMAC, even when given as plain properties.
const SENSITIVE = new Set(['sasl.password', 'ssl.key.pem', 'ssl.key.password', 'ssl.keystore.password']);

// Keys of the cache and client pool are HMACs under a key that lives only in this process: deterministic for
// the process's lifetime (what the cache needs) yet useless for guessing a password offline should a key ever
// end up in a log, which a plain hash of a weak password would not be.
const KEY_SECRET = randomBytes(32);

const cannot = (why: string): KafkaClientConfig => ({
  ok: false,
  message: `the operator cannot read Kafka facts (partitions, offsets, lag) for this job: ${why}`,
});

/**
 * Maps a job's Kafka settings to a kafkajs config for the operator's own reads. Property names may carry the
 * `property.` prefix or not. Settings that only tune the consumer (group.id, fetch sizes, ...) are ignored.
 */
export function kafkaClientConfig(source: KafkaSource, opts: KafkaClientOptions): KafkaClientConfig {
  const brokers = source.brokers.map((b) => b.trim()).filter((b) => b !== '');
  if (brokers.length === 0) return cannot('no Kafka brokers are set');
  for (const b of brokers) {
    if (!/^\S+:\d{1,5}$/.test(b)) return cannot(`broker ${JSON.stringify(b)} is not host:port`);
  }
  const { props, secretValues } = readProperties(source);
  const get = (k: string): string | undefined => {
    const v = props.get(k)?.trim();
    return v === undefined || v === '' ? undefined : v;
  };

  const protocolText = (get('security.protocol') ?? 'plaintext').toLowerCase();
  if (!PROTOCOLS.includes(protocolText)) {
    return cannot(`security.protocol ${JSON.stringify(protocolText)} is not one of ${PROTOCOLS.join(', ')}`);
  }
  const protocol = protocolText as Protocol;
  // With plaintext or ssl, librdkafka ignores every sasl.* setting; with plaintext or sasl_plaintext, every ssl.*
  // setting. So does the operator.
  const sasl =
    protocol === 'sasl_plaintext' || protocol === 'sasl_ssl' ? saslSettings(protocol, props, get) : undefined;
  if (typeof sasl === 'string') return cannot(sasl);
  const tls = protocol === 'ssl' || protocol === 'sasl_ssl' ? tlsSettings(props, get) : undefined;
  if (typeof tls === 'string') return cannot(tls);
  // What identifies the connection besides the brokers; hashed into the key, never shown.
  const identity: Record<string, unknown> = { protocol, ...sasl?.identity, ...tls?.identity };
  const ssl = tls?.ssl;

  const sortedBrokers = [...new Set(brokers)].sort();
  const digest = createHmac('sha256', KEY_SECRET)
    .update(JSON.stringify({ brokers: sortedBrokers, ...identity }))
    .digest('hex')
    .slice(0, 24);
  const key = `${protocol}://${sortedBrokers.join(',')}#${digest}`;

  const requestTimeout = opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const config: kafkajs.KafkaConfig = {
    clientId: opts.clientId,
    brokers,
    connectionTimeout: opts.connectionTimeoutMs ?? DEFAULT_CONNECTION_TIMEOUT_MS,
    requestTimeout,
    authenticationTimeout: requestTimeout,
    // The caller's loop retries (next resync); kafkajs's default (5 retries, up to 30 s apart) would only hide
    // an outage for half a minute. One retry rides over a broker that just dropped an idle connection.
    retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 1_000 },
    ...(ssl !== undefined ? { ssl } : {}),
    ...(sasl !== undefined ? { sasl: sasl.sasl } : {}),
    ...logging(opts.logger, secretValues),
  };
  return { ok: true, config, key };
}

/** property.* settings without the prefix, and every value that is secret (from a Secret, or sensitive by name). */
function readProperties(source: KafkaSource): { props: Map<string, string>; secretValues: string[] } {
  const props = new Map<string, string>();
  const secretValues: string[] = [];
  for (const [k, v] of source.properties) props.set(k.replace(/^property\./, ''), v);
  for (const [k, v] of source.secretProperties) {
    props.set(k.replace(/^property\./, ''), v);
    secretValues.push(v);
  }
  for (const k of SENSITIVE) {
    const v = props.get(k);
    if (v !== undefined) secretValues.push(v);
  }
  return { props, secretValues };
}

type Setting = (k: string) => string | undefined;

/** The SASL options for a sasl_* protocol, or why the operator cannot use them. */
function saslSettings(
  protocol: Protocol,
  props: Map<string, string>,
  get: Setting,
): string | { sasl: kafkajs.SASLOptions; identity: Record<string, unknown> } {
  // librdkafka's own name is `sasl.mechanisms` (plural), `sasl.mechanism` is its alias; both are seen in jobs.
  const mechanismText = get('sasl.mechanism') ?? get('sasl.mechanisms');
  if (mechanismText === undefined) {
    return (
      `security.protocol is ${protocol} without sasl.mechanism, so librdkafka uses GSSAPI (Kerberos), ` +
      'which the operator does not support (it supports PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512)'
    );
  }
  const upper = mechanismText.toUpperCase();
  const mechanism = MECHANISMS[upper];
  if (mechanism === undefined) {
    const known = upper === 'GSSAPI' || upper === 'OAUTHBEARER';
    return (
      `sasl.mechanism ${JSON.stringify(mechanismText)} ${known ? 'is not supported by the operator' : 'is not a SASL mechanism librdkafka knows'} ` +
      '(the operator supports PLAIN, SCRAM-SHA-256 and SCRAM-SHA-512)'
    );
  }
  const username = props.get('sasl.username');
  const password = props.get('sasl.password');
  if (username === undefined || username === '' || password === undefined || password === '') {
    const missing = [
      username === undefined || username === '' ? 'sasl.username' : undefined,
      password === undefined || password === '' ? 'sasl.password' : undefined,
    ].filter((m) => m !== undefined);
    return `sasl.mechanism ${upper} needs ${missing.join(' and ')}, which ${missing.length > 1 ? 'are' : 'is'} not set`;
  }
  return {
    sasl: { mechanism, username, password } as kafkajs.SASLOptions,
    identity: { mechanism, username, password },
  };
}

/** The TLS options for an ssl protocol, or why the operator cannot use them. */
function tlsSettings(
  props: Map<string, string>,
  get: Setting,
): string | { ssl: ConnectionOptions | true; identity: Record<string, unknown> } {
  for (const [k, v] of props) {
    if (!k.startsWith('ssl.')) continue;
    // StarRocks' `FILE:<name>` points at a file uploaded with CREATE FILE, which only FE and BEs can read.
    if (v.trim().toUpperCase().startsWith('FILE:')) {
      return `${k} names a file in StarRocks (FILE:...), which the operator cannot read; give it as PEM instead (ssl.ca.pem, ssl.certificate.pem, ssl.key.pem)`;
    }
    // Paths are on the StarRocks BEs (CA, certificate, key, keystore, CRL, engine); `probe` means the system CAs.
    if (k.endsWith('.location') && v.trim() !== '' && !(k === 'ssl.ca.location' && v.trim() === 'probe')) {
      return `${k} names a file on the StarRocks backends, which the operator cannot read; give it as PEM instead (ssl.ca.pem, ssl.certificate.pem, ssl.key.pem)`;
    }
  }
  const tls: ConnectionOptions = {};
  const ca = get('ssl.ca.pem');
  if (ca !== undefined) tls.ca = [ca];
  const cert = get('ssl.certificate.pem');
  const key = get('ssl.key.pem');
  if ((cert === undefined) !== (key === undefined)) {
    return `${cert === undefined ? 'ssl.key.pem' : 'ssl.certificate.pem'} is set without ${cert === undefined ? 'ssl.certificate.pem' : 'ssl.key.pem'}`;
  }
  if (cert !== undefined && key !== undefined) {
    tls.cert = cert;
    tls.key = key;
    const passphrase = props.get('ssl.key.password');
    if (passphrase !== undefined && passphrase !== '') tls.passphrase = passphrase;
  }
  if (get('enable.ssl.certificate.verification')?.toLowerCase() === 'false') tls.rejectUnauthorized = false;
  // librdkafka 1.9+ checks the broker's host name by default (`https`); `none` turns that check off.
  if (get('ssl.endpoint.identification.algorithm')?.toLowerCase() === 'none') {
    tls.checkServerIdentity = () => undefined;
  }
  // ssl.cipher.suites, ssl.curves.list, ssl.sigalgs.list only narrow what the BEs accept: ignored.
  return {
    ssl: Object.keys(tls).length === 0 ? true : tls,
    identity: {
      ca,
      cert,
      key,
      passphrase: tls.passphrase,
      verify: tls.rejectUnauthorized !== false,
      checkHost: tls.checkServerIdentity === undefined,
    },
  };
}

/**
 * kafkajs logs every failed connection attempt at ERROR, which during an outage is one line per read; the
 * reader reports failures as facts, so these lines are debug output. Stacks are dropped, secrets masked.
 */
function logging(
  sink: DebugLogger | undefined,
  secrets: string[],
): Pick<kafkajs.KafkaConfig, 'logLevel' | 'logCreator'> {
  if (sink === undefined) return { logLevel: kafkajs.logLevel.NOTHING };
  return {
    logLevel: kafkajs.logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, label, log }) => {
        const { message, timestamp: _t, stack: _s, ...extra } = log;
        const fields: Record<string, unknown> = { kafkajs: namespace, kafkajsLevel: label };
        for (const [k, v] of Object.entries(extra)) {
          if (typeof v === 'string') fields[k] = redact(v, secrets);
          else if (typeof v === 'number' || typeof v === 'boolean') fields[k] = v;
        }
        sink.debug(fields, redact(String(message), secrets));
      },
  };
}
