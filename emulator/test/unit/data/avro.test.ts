import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import avro from 'avsc';
import { createAvroDecoder, LoadSpecError, parseRegistryUrl } from '../../../data/index.ts';
import { sensorLogSchema } from './guide.ts';
import { confluentMessage, startRegistryStub } from './registry-stub.ts';

const sensorRecord = { id: 1, name: 'sensor-1', checked: true, data: 21.5, sensor_type: 'AIR_PRESSURE' };

test('parseRegistryUrl moves user:password into a Basic Authorization header', () => {
  assert.deepEqual(parseRegistryUrl('http://127.0.0.1:8081'), { baseUrl: 'http://127.0.0.1:8081' });
  assert.deepEqual(parseRegistryUrl('https://key:s%40cret@registry.example.com/apis/ccompat/v7/'), {
    baseUrl: 'https://registry.example.com/apis/ccompat/v7',
    authorization: `Basic ${Buffer.from('key:s@cret').toString('base64')}`,
  });
  assert.throws(() => parseRegistryUrl('not a url'), LoadSpecError);
  assert.throws(() => parseRegistryUrl('ftp://host'), LoadSpecError);
  assert.throws(
    () => parseRegistryUrl('::user:secret@'),
    (e: Error) => !e.message.includes('secret'),
  );
});

test("the guide's sensor_log record decodes with the schema fetched by id (Basic auth, cached per id)", async () => {
  const registry = await startRegistryStub({ 7: sensorLogSchema }, { auth: 'key:secret', prefix: '/apis/ccompat/v7' });
  try {
    const withCredentials = registry.url.replace('http://', 'http://key:secret@');
    const decoder = createAvroDecoder(withCredentials);
    const message = confluentMessage(7, sensorLogSchema, sensorRecord);
    const first = await decoder.decode(message);
    assert.deepEqual(first, { raw: JSON.stringify(sensorRecord), value: sensorRecord });
    await decoder.decode(confluentMessage(7, sensorLogSchema, { ...sensorRecord, id: 2, sensor_type: 'HUMIDITY' }));
    assert.deepEqual(registry.requests, [
      `GET /apis/ccompat/v7/schemas/ids/7 Basic ${Buffer.from('key:secret').toString('base64')}`,
    ]);
  } finally {
    await registry.close();
  }
});

test('Avro types map as the guide says: enum/bytes/fixed -> string, array -> array, record/map -> object', async () => {
  const schema = {
    type: 'record',
    name: 'all_types',
    fields: [
      { name: 'big', type: 'long' },
      { name: 'small', type: 'int' },
      { name: 'f', type: 'float' },
      { name: 'maybe', type: ['null', 'string'] },
      { name: 'absent', type: ['null', 'long'] },
      { name: 'bytes', type: 'bytes' },
      { name: 'fixed', type: { type: 'fixed', name: 'four', size: 4 } },
      { name: 'list', type: { type: 'array', items: 'int' } },
      { name: 'dict', type: { type: 'map', values: 'double' } },
      { name: 'inner', type: { type: 'record', name: 'inner_rec', fields: [{ name: 'x', type: 'string' }] } },
      { name: 'color', type: { type: 'enum', name: 'color', symbols: ['RED', 'GREEN'] } },
      { name: 'nothing', type: 'null' },
    ],
  };
  const longType = avro.types.LongType.__with({
    fromBuffer: (b: Buffer) => b.readBigInt64LE(),
    toBuffer: (n: bigint) => {
      const b = Buffer.alloc(8);
      b.writeBigInt64LE(n);
      return b;
    },
    fromJSON: BigInt,
    toJSON: Number,
    isValid: (n: unknown) => typeof n === 'bigint',
    compare: () => 0,
  });
  const body = avro.Type.forSchema(schema as avro.Schema, { wrapUnions: false, registry: { long: longType } }).toBuffer(
    {
      big: 9007199254740993n,
      small: -5,
      f: 0.5,
      maybe: 'yes',
      absent: null,
      bytes: Buffer.from('raw'),
      fixed: Buffer.from('abcd'),
      list: [1, 2, 3],
      dict: { a: 1.5 },
      inner: { x: 'y' },
      color: 'GREEN',
      nothing: null,
    },
  );
  const registry = await startRegistryStub({ 3: schema });
  try {
    const decoded = await createAvroDecoder(registry.url).decode(Buffer.concat([Buffer.from([0, 0, 0, 0, 3]), body]));
    assert.ok('value' in decoded);
    assert.deepEqual(decoded.value, {
      big: 9007199254740993n,
      small: -5,
      f: 0.5,
      maybe: 'yes',
      absent: null,
      bytes: 'raw',
      fixed: 'abcd',
      list: [1, 2, 3],
      dict: { a: 1.5 },
      inner: { x: 'y' },
      color: 'GREEN',
      nothing: null,
    });
    assert.match(decoded.raw, /^\{"big":9007199254740993,"small":-5,/);
  } finally {
    await registry.close();
  }
});

test('non-Confluent bytes, unknown ids, bad bodies and unreachable registries are errors, never crashes', async () => {
  const registry = await startRegistryStub({ 7: sensorLogSchema, 9: { type: 'record', name: 'x', fields: 'nope' } });
  try {
    const decoder = createAvroDecoder(registry.url, 2000);
    const notConfluent = await decoder.decode(Buffer.from('{"id":1}'));
    assert.ok('error' in notConfluent);
    assert.match(notConfluent.error, /not in Confluent wire format: expected magic byte 0/);
    assert.equal(notConfluent.raw, `0x${Buffer.from('{"id":1}').toString('hex')}`);
    const short = await decoder.decode(Buffer.from([0, 0]));
    assert.ok('error' in short && /got 2 bytes/.test(short.error));

    const unknown = await decoder.decode(confluentMessage(42, sensorLogSchema, sensorRecord));
    assert.ok('error' in unknown);
    assert.match(
      unknown.error,
      /^Failed to fetch Avro schema id 42 from schema registry http:\/\/127\.0\.0\.1:\d+: HTTP 404/,
    );
    await decoder.decode(confluentMessage(42, sensorLogSchema, sensorRecord));
    assert.equal(registry.requests.filter((r) => r.includes('/ids/42')).length, 2, 'failed lookups are not cached');

    const invalidSchema = await decoder.decode(confluentMessage(9, sensorLogSchema, sensorRecord));
    assert.ok('error' in invalidSchema && /^Invalid Avro schema id 9/.test(invalidSchema.error));

    const good = confluentMessage(7, sensorLogSchema, sensorRecord);
    const truncated = await decoder.decode(good.subarray(0, good.length - 3));
    assert.ok('error' in truncated && /^Failed to decode Avro data with schema id 7: /.test(truncated.error));
    const trailing = await decoder.decode(Buffer.concat([good, Buffer.from([1, 2, 3])]));
    assert.ok('error' in trailing && /^Failed to decode Avro data with schema id 7: /.test(trailing.error));
  } finally {
    await registry.close();
  }

  // A port that was just free: nothing listens there.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  const unreachable = await createAvroDecoder(`http://u:p@127.0.0.1:${port}`, 2000).decode(
    confluentMessage(7, sensorLogSchema, sensorRecord),
  );
  assert.ok('error' in unreachable);
  assert.match(
    unreachable.error,
    new RegExp(`^Failed to fetch Avro schema id 7 from schema registry http://127.0.0.1:${port}: `),
  );
  assert.ok(!unreachable.error.includes('u:p'), 'credentials never appear in reasons');
});
