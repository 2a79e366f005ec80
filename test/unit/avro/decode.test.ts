// Decoding Confluent-framed Avro messages: the guide's sensor_log record, framing errors, a corrupted field, a
// truncated message, trailing bytes, invalid schemas and exact longs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import avro from 'avsc';
import { sensorLogSchema as sensorLog } from '../../../devenv/support/guide.ts';
import { decodeConfluentMessage, schemaIdOf } from '../../../src/avro/decode.ts';

const schemaJson = JSON.stringify(sensorLog);
const writer = avro.Type.forSchema(sensorLog as avro.Schema);
const row = { id: 1, name: 'sensor-1', checked: true, data: 21.5, sensor_type: 'AIR_PRESSURE' };

/** Magic byte 0, the schema id big-endian, then the Avro data. */
function frame(id: number, data: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(id, 1);
  return Buffer.concat([header, data]);
}

describe('decodeConfluentMessage', () => {
  test("decodes the guide's sensor_log record to a plain object", () => {
    const r = decodeConfluentMessage(frame(7, writer.toBuffer(row)), schemaJson);
    assert.deepEqual(r, { ok: true, value: row });
    assert.equal(Object.getPrototypeOf((r as { value: object }).value), Object.prototype);
  });

  test('schemaIdOf reads the id of a framed message, undefined otherwise', () => {
    assert.equal(schemaIdOf(frame(0x01020304, writer.toBuffer(row))), 0x01020304);
    assert.equal(schemaIdOf(frame(7, Buffer.alloc(0))), 7);
    assert.equal(schemaIdOf(Buffer.from('{"id":1}')), undefined);
    assert.equal(schemaIdOf(Buffer.from([0, 0, 0])), undefined);
  });

  test('messages that are not Confluent-framed say so, and guess what they are', () => {
    const json = decodeConfluentMessage(Buffer.from('{"id": 1, "name": "sensor-1"}'), schemaJson);
    assert.equal(json.ok, false);
    assert.match(
      (json as { message: string }).message,
      /^the message is not in the Confluent wire format \(.*\): its first byte is 0x7b, not 0; it starts with 0x7b2269.*\.\.\. \("\{"id": 1, "name"\.\.\."\)\. It looks like JSON/,
    );
    assert.equal('field' in json, false);

    const csv = decodeConfluentMessage(Buffer.from('1,sensor-1,true,21.5'), schemaJson);
    assert.match((csv as { message: string }).message, /looks like text/);

    // Plain Avro (no header): the first byte is the zig-zag encoded id 1, i.e. 0x02.
    const bare = decodeConfluentMessage(writer.toBuffer(row), schemaJson);
    assert.match((bare as { message: string }).message, /its first byte is 0x02, not 0/);
    assert.match((bare as { message: string }).message, /without the Confluent header/);

    assert.deepEqual(decodeConfluentMessage(Buffer.alloc(0), schemaJson), {
      ok: false,
      message:
        'the message is empty; Routine Load expects the Confluent wire format (the magic byte 0, then a 4-byte schema id, then the Avro data)',
    });
    assert.match(
      (decodeConfluentMessage(Buffer.from([0, 0, 1]), schemaJson) as { message: string }).message,
      /^the message is only 3 bytes long, shorter than the 5-byte header/,
    );
  });

  test('a corrupted enum names the field', () => {
    const data = writer.toBuffer(row);
    // The enum index is the last byte (zig-zag 2 → 0x04); 0x10 is index 8, beyond the three symbols.
    data[data.length - 1] = 0x10;
    const r = decodeConfluentMessage(frame(7, data), schemaJson);
    assert.equal(r.ok, false);
    assert.equal((r as { field?: string }).field, 'sensor_type');
    assert.match(
      (r as { message: string }).message,
      /^schema id 7: field "sensor_type" \(enum sensor_type_enum\) holds a value its schema does not allow, at byte \d+ of the message: invalid sensor_type_enum enum index: 8$/,
    );
  });

  test('a truncated message names the field the data ends in', () => {
    const data = writer.toBuffer(row);
    // id (1 byte) + name (1 + 8 bytes) + checked (1 byte) + 3 of data's 8 bytes.
    const r = decodeConfluentMessage(frame(7, data.subarray(0, 14)), schemaJson);
    assert.equal(r.ok, false);
    assert.equal((r as { field?: string }).field, 'data');
    assert.match(
      (r as { message: string }).message,
      /^schema id 7: the data ends inside field "data" \(double\) at byte 16 of the message: it is truncated or corrupt/,
    );
  });

  test('a string length beyond the message (corrupt length) is reported at its field', () => {
    const data = writer.toBuffer(row);
    data[1] = 0x7e; // name's length: 63 bytes, more than the message holds
    const r = decodeConfluentMessage(frame(7, data), schemaJson);
    assert.equal((r as { field?: string }).field, 'name');
  });

  test('nested fields are named by their path', () => {
    const schema = {
      type: 'record',
      name: 'order',
      fields: [
        { name: 'id', type: 'long' },
        {
          name: 'customer',
          type: {
            type: 'record',
            name: 'customer_t',
            fields: [
              { name: 'name', type: 'string' },
              { name: 'tier', type: ['null', 'int'] },
            ],
          },
        },
      ],
    };
    const t = avro.Type.forSchema(schema as avro.Schema);
    const data = t.toBuffer({ id: 5, customer: { name: 'Ann', tier: 2 } });
    data[5] = 0x08; // the union branch index of tier: 4 (no such branch)
    const r = decodeConfluentMessage(frame(3, data), JSON.stringify(schema));
    assert.equal((r as { field?: string }).field, 'customer.tier');
    assert.match(
      (r as { message: string }).message,
      /field "customer.tier" \(union \[null, int\]\) holds a value its schema does not allow, at byte 10 of the message: invalid union index: 4$/,
    );
  });

  test('bytes left after the record: another schema or more than one record', () => {
    const two = Buffer.concat([writer.toBuffer(row), writer.toBuffer(row)]);
    const r = decodeConfluentMessage(frame(7, two), schemaJson);
    assert.equal(r.ok, false);
    assert.match(
      (r as { message: string }).message,
      /^schema id 7: 20 byte\(s\) remain after the record \(20 of 40 data bytes read\): the message holds more than one record, or was written with another schema$/,
    );
  });

  test('an invalid schema is reported, not thrown', () => {
    const verbatim = schemaJson.replace('AIR_PRESSURE', 'AIR-PRESSURE');
    const r = decodeConfluentMessage(frame(7, writer.toBuffer(row)), verbatim);
    assert.equal(r.ok, false);
    assert.match((r as { message: string }).message, /^invalid Avro schema: .*AIR-PRESSURE/);
    assert.match(
      (decodeConfluentMessage(frame(7, writer.toBuffer(row)), '{oops') as { message: string }).message,
      /^invalid Avro schema: /,
    );
  });

  test('longs beyond 2^53 decode exactly as bigints; unions, arrays and maps as plain values', () => {
    const schema = {
      type: 'record',
      name: 'r',
      fields: [
        { name: 'big', type: 'long' },
        { name: 'small', type: 'long' },
        { name: 'maybe', type: ['null', 'string'] },
        { name: 'tags', type: { type: 'array', items: 'string' } },
        { name: 'attrs', type: { type: 'map', values: 'int' } },
        { name: 'raw', type: 'bytes' },
      ],
    };
    // Encoded by hand where avsc's default long type refuses the value: zig-zag varint of 2^60.
    const big = 2n ** 60n;
    const zigzag = big << 1n;
    const varint: number[] = [];
    for (let v = zigzag; ; ) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if (v === 0n) {
        varint.push(b);
        break;
      }
      varint.push(b | 0x80);
    }
    const rest = avro.Type.forSchema({
      type: 'record',
      name: 'rest',
      fields: schema.fields.slice(1),
    } as avro.Schema).toBuffer({ small: 42, maybe: 'x', tags: ['a'], attrs: { k: 1 }, raw: Buffer.from('hi') });
    const r = decodeConfluentMessage(frame(1, Buffer.concat([Buffer.from(varint), rest])), JSON.stringify(schema));
    assert.deepEqual(r, {
      ok: true,
      value: { big, small: 42, maybe: 'x', tags: ['a'], attrs: { k: 1 }, raw: Buffer.from('hi') },
    });
  });
});
