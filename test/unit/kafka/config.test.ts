import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ConnectionOptions } from 'node:tls';
import kafkajs from 'kafkajs';
import {
  DEFAULT_CONNECTION_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type KafkaSource,
  kafkaClientConfig,
} from '../../../src/kafka/config.ts';

const PASSWORD = 'pw-Sup3r$ecret';
const KEY_PEM = '-----BEGIN PRIVATE KEY-----\nMIIsecretkeymaterial\n-----END PRIVATE KEY-----';
const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIca\n-----END CERTIFICATE-----';
const CERT_PEM = '-----BEGIN CERTIFICATE-----\nMIIcert\n-----END CERTIFICATE-----';

function src(
  properties: Record<string, string> = {},
  secretProperties: Record<string, string> = {},
  brokers = ['kafka-0.kafka:9092', 'kafka-1.kafka:9092'],
): KafkaSource {
  return { brokers, properties: Object.entries(properties), secretProperties: Object.entries(secretProperties) };
}

const OPTS = { clientId: 'rlo-test' };

function ok(source: KafkaSource, opts: Parameters<typeof kafkaClientConfig>[1] = OPTS) {
  const r = kafkaClientConfig(source, opts);
  assert.ok(r.ok, r.ok ? '' : r.message);
  return r;
}

function fails(source: KafkaSource, why: RegExp): string {
  const r = kafkaClientConfig(source, OPTS);
  assert.equal(r.ok, false, 'expected the settings to be refused');
  if (r.ok) throw new Error('unreachable');
  assert.match(r.message, /^the operator cannot read Kafka facts \(partitions, offsets, lag\) for this job: /);
  assert.match(r.message, why);
  for (const secret of [PASSWORD, KEY_PEM, 'MIIsecretkeymaterial']) assert.ok(!r.message.includes(secret));
  return r.message;
}

const SASL_PLAIN = { 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'PLAIN', 'sasl.username': 'loader' };

describe('kafkaClientConfig: mapping', () => {
  test('plaintext by default: brokers, client id, short timeouts, few retries, logging off', () => {
    const { config, key } = ok(src({ 'group.id': 'g1', 'client.id': 'c1', kafka_default_offsets: 'OFFSET_END' }));
    assert.deepEqual(config.brokers, ['kafka-0.kafka:9092', 'kafka-1.kafka:9092']);
    assert.equal(config.clientId, 'rlo-test');
    assert.equal(config.ssl, undefined);
    assert.equal(config.sasl, undefined);
    assert.equal(config.connectionTimeout, DEFAULT_CONNECTION_TIMEOUT_MS);
    assert.equal(config.requestTimeout, DEFAULT_REQUEST_TIMEOUT_MS);
    assert.ok((config.retry?.retries ?? 99) <= 2, 'the caller retries; kafkajs must not retry for long');
    assert.equal(config.logLevel, kafkajs.logLevel.NOTHING);
    assert.equal(config.logCreator, undefined);
    assert.match(key, /^plaintext:\/\/kafka-0\.kafka:9092,kafka-1\.kafka:9092#[0-9a-f]{24}$/);
  });

  test('timeouts as given', () => {
    const { config } = ok(src(), { ...OPTS, connectionTimeoutMs: 500, requestTimeoutMs: 1500 });
    assert.equal(config.connectionTimeout, 500);
    assert.equal(config.requestTimeout, 1500);
    assert.equal(config.authenticationTimeout, 1500);
  });

  test('sasl_plaintext with PLAIN, the password from secretProperties; names with or without "property."', () => {
    for (const prefix of ['', 'property.']) {
      const props = Object.fromEntries(Object.entries(SASL_PLAIN).map(([k, v]) => [`${prefix}${k}`, v]));
      const { config } = ok(src(props, { [`${prefix}sasl.password`]: PASSWORD }));
      assert.deepEqual(config.sasl, { mechanism: 'plain', username: 'loader', password: PASSWORD });
      assert.equal(config.ssl, undefined);
    }
  });

  test('sasl_ssl with SCRAM-SHA-256 / SCRAM-SHA-512, any case, also as sasl.mechanisms (librdkafka spelling)', () => {
    const cases: Array<[string, string, string]> = [
      ['sasl.mechanism', 'SCRAM-SHA-256', 'scram-sha-256'],
      ['sasl.mechanism', 'scram-sha-512', 'scram-sha-512'],
      ['sasl.mechanisms', 'SCRAM-SHA-512', 'scram-sha-512'],
    ];
    for (const [prop, value, want] of cases) {
      const { config, key } = ok(
        src({ 'security.protocol': 'sasl_ssl', [prop]: value }, { 'sasl.username': 'u', 'sasl.password': PASSWORD }),
      );
      assert.deepEqual(config.sasl, { mechanism: want, username: 'u', password: PASSWORD });
      assert.equal(config.ssl, true, 'TLS with the default trust store');
      assert.match(key, /^sasl_ssl:\/\//);
    }
  });

  test('with plaintext, sasl.* settings are ignored (like librdkafka), and so are ssl.*', () => {
    const plain = ok(src());
    const withSasl = ok(
      src(
        { 'sasl.mechanism': 'GSSAPI', 'sasl.username': 'u', 'ssl.ca.location': '/etc/ssl/ca.pem' },
        { 'sasl.password': PASSWORD },
      ),
    );
    assert.equal(withSasl.config.sasl, undefined);
    assert.equal(withSasl.config.ssl, undefined);
    assert.equal(withSasl.key, plain.key, 'settings librdkafka ignores do not change the connection');
  });

  test('ssl with PEM values: CA, client certificate and key, key password', () => {
    const { config } = ok(
      src(
        { 'security.protocol': 'SSL', 'ssl.ca.pem': CA_PEM, 'ssl.certificate.pem': CERT_PEM },
        { 'ssl.key.pem': KEY_PEM, 'ssl.key.password': PASSWORD },
      ),
    );
    const tls = config.ssl as ConnectionOptions;
    assert.deepEqual(tls.ca, [CA_PEM]);
    assert.equal(tls.cert, CERT_PEM);
    assert.equal(tls.key, KEY_PEM);
    assert.equal(tls.passphrase, PASSWORD);
    assert.equal(tls.rejectUnauthorized, undefined, 'verification stays on');
    assert.equal(tls.checkServerIdentity, undefined, 'host name check stays on');
    assert.equal(config.sasl, undefined);
  });

  test('ssl verification switches: enable.ssl.certificate.verification, ssl.endpoint.identification.algorithm', () => {
    const { config } = ok(
      src({
        'security.protocol': 'ssl',
        'enable.ssl.certificate.verification': 'false',
        'ssl.endpoint.identification.algorithm': 'none',
      }),
    );
    const tls = config.ssl as ConnectionOptions;
    assert.equal(tls.rejectUnauthorized, false);
    assert.equal(tls.checkServerIdentity?.('kafka-0.kafka', {} as never), undefined);
  });

  test('ssl.ca.location=probe means the default trust store; cipher lists are ignored', () => {
    const { config } = ok(src({ 'security.protocol': 'ssl', 'ssl.ca.location': 'probe', 'ssl.cipher.suites': 'HIGH' }));
    assert.equal(config.ssl, true);
  });

  test('a given logger receives kafkajs lines at debug, without stacks and with secrets masked', () => {
    const lines: Array<{ obj: Record<string, unknown>; msg: string }> = [];
    const { config } = ok(src(SASL_PLAIN, { 'sasl.password': PASSWORD }), {
      ...OPTS,
      logger: { debug: (obj, msg) => lines.push({ obj, msg }) },
    });
    assert.equal(config.logLevel, kafkajs.logLevel.WARN);
    const log = config.logCreator?.(kafkajs.logLevel.WARN);
    assert.ok(log);
    log({
      namespace: 'Connection',
      level: kafkajs.logLevel.ERROR,
      label: 'ERROR',
      log: {
        timestamp: 'now',
        message: `Connection error: oops ${PASSWORD}`,
        broker: 'kafka-0.kafka:9092',
        stack: `Error: at ${PASSWORD}`,
        detail: `detail ${PASSWORD}`,
      },
    });
    assert.equal(lines.length, 1);
    const [line] = lines;
    assert.equal(line?.msg, 'Connection error: oops ******');
    assert.equal(line?.obj.broker, 'kafka-0.kafka:9092');
    assert.equal(line?.obj.detail, 'detail ******');
    assert.equal(line?.obj.stack, undefined);
    assert.ok(!JSON.stringify(lines).includes(PASSWORD));
  });
});

describe('kafkaClientConfig: what the operator cannot use', () => {
  test('Kerberos, explicitly or as librdkafka default, and OAUTHBEARER', () => {
    fails(src({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.mechanism': 'GSSAPI' }), /"GSSAPI" is not supported/);
    fails(src({ 'security.protocol': 'sasl_ssl' }), /without sasl\.mechanism, so librdkafka uses GSSAPI/);
    fails(src({ 'security.protocol': 'sasl_ssl', 'sasl.mechanism': 'OAUTHBEARER' }), /"OAUTHBEARER" is not supported/);
    fails(src({ 'security.protocol': 'sasl_ssl', 'sasl.mechanism': 'AWS_MSK_IAM' }), /not a SASL mechanism librdkafka/);
  });

  test('SASL without user name or password', () => {
    fails(
      src({ 'security.protocol': 'sasl_plaintext', 'sasl.mechanism': 'PLAIN' }),
      /needs sasl\.username and sasl\.password/,
    );
    fails(src(SASL_PLAIN), /needs sasl\.password, which is not set/);
  });

  test('files on the StarRocks backends, or uploaded to StarRocks (FILE:)', () => {
    for (const k of ['ssl.ca.location', 'ssl.certificate.location', 'ssl.key.location', 'ssl.keystore.location']) {
      const msg = fails(
        src({ 'security.protocol': 'ssl', [k]: '/opt/starrocks/be/conf/x.pem' }),
        /names a file on the StarRocks backends/,
      );
      assert.ok(msg.includes(k));
      assert.ok(!msg.includes('/opt/starrocks'), 'the path is not echoed');
    }
    fails(
      src({ 'security.protocol': 'SSL', 'ssl.ca.location': 'FILE:ca-cert' }),
      /names a file in StarRocks \(FILE:\.\.\.\), which the operator cannot read/,
    );
  });

  test('unknown security.protocol, half a client certificate, bad broker lists', () => {
    fails(
      src({ 'security.protocol': 'tls' }),
      /security\.protocol "tls" is not one of plaintext, ssl, sasl_plaintext, sasl_ssl/,
    );
    fails(
      src({ 'security.protocol': 'ssl', 'ssl.certificate.pem': CERT_PEM }),
      /ssl\.certificate\.pem is set without ssl\.key\.pem/,
    );
    fails(
      src({ 'security.protocol': 'ssl' }, { 'ssl.key.pem': KEY_PEM }),
      /ssl\.key\.pem is set without ssl\.certificate\.pem/,
    );
    fails(src({}, {}, []), /no Kafka brokers/);
    fails(src({}, {}, ['kafka-0.kafka']), /broker "kafka-0\.kafka" is not host:port/);
  });
});

describe('kafkaClientConfig: the key', () => {
  const sasl = (password: string, username = 'loader', brokers?: string[]) =>
    ok(src({ ...SASL_PLAIN, 'sasl.username': username }, { 'sasl.password': password }, brokers)).key;

  test('never holds a secret in clear, and is stable for the same settings (broker order aside)', () => {
    const key = sasl(PASSWORD);
    assert.ok(!key.includes(PASSWORD));
    assert.ok(!key.includes('loader'), 'not even the user name');
    assert.equal(sasl(PASSWORD), key);
    assert.equal(sasl(PASSWORD, 'loader', ['kafka-1.kafka:9092', 'kafka-0.kafka:9092']), key);
    const tlsKey = ok(
      src({ 'security.protocol': 'ssl', 'ssl.certificate.pem': CERT_PEM }, { 'ssl.key.pem': KEY_PEM }),
    ).key;
    assert.ok(!tlsKey.includes('MIIsecretkeymaterial'));
  });

  test('differs with the password, the user, the brokers, the protocol and the trust settings', () => {
    const key = sasl(PASSWORD);
    const others = [
      sasl(`${PASSWORD}2`),
      sasl(PASSWORD, 'other'),
      sasl(PASSWORD, 'loader', ['kafka-0.kafka:9092']),
      ok(src({ ...SASL_PLAIN, 'security.protocol': 'sasl_ssl' }, { 'sasl.password': PASSWORD })).key,
      ok(src({ 'security.protocol': 'ssl' })).key,
      ok(src({ 'security.protocol': 'ssl', 'ssl.ca.pem': CA_PEM })).key,
      ok(src({ 'security.protocol': 'ssl', 'enable.ssl.certificate.verification': 'false' })).key,
    ];
    assert.equal(new Set([key, ...others]).size, others.length + 1);
  });
});
