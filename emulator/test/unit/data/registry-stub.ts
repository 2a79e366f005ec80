// A minimal Confluent schema registry on 127.0.0.1 for the Avro tests: GET /schemas/ids/<id>, optional Basic auth.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import avro from 'avsc';

export interface RegistryStub {
  /** Base URL, e.g. http://127.0.0.1:40000 (with the path prefix if one was given). */
  url: string;
  /** Requests received, as "METHOD path authorization". */
  requests: string[];
  close(): Promise<void>;
}

export async function startRegistryStub(
  schemas: Record<number, object>,
  opts: { auth?: string; prefix?: string } = {},
): Promise<RegistryStub> {
  const requests: string[] = [];
  const prefix = opts.prefix ?? '';
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url} ${req.headers.authorization ?? '-'}`);
    const reply = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/vnd.schemaregistry.v1+json' });
      res.end(JSON.stringify(body));
    };
    if (opts.auth && req.headers.authorization !== `Basic ${Buffer.from(opts.auth).toString('base64')}`) {
      reply(401, { error_code: 40101, message: 'Unauthorized' });
      return;
    }
    const m = new RegExp(`^${prefix}/schemas/ids/(\\d+)$`).exec(req.url ?? '');
    const schema = m ? schemas[Number(m[1])] : undefined;
    if (!schema) {
      reply(404, { error_code: 40403, message: 'Schema not found' });
      return;
    }
    reply(200, { schema: JSON.stringify(schema) });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A Confluent wire-format message: magic byte 0, schema id (big-endian), Avro binary body. */
export function confluentMessage(schemaId: number, schema: object, value: unknown): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(schemaId, 1);
  return Buffer.concat([header, avro.Type.forSchema(schema as avro.Schema, { wrapUnions: false }).toBuffer(value)]);
}
