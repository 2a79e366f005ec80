// The schema registry client against the real registry (Apicurio's Confluent-compatible API): latest schema of a
// subject, schemas by id (cached), not-found subjects and ids, an unreachable registry, and credentials that
// never show up in an error. Answers the real registry cannot be made to give (401, 5xx, a registry that never
// answers) come from a throwaway local HTTP server.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { sensorLogSchema as sensorLog } from '../../../devenv/support/guide.ts';
import { RegistryError, SchemaRegistryClient } from '../../../src/avro/registry.ts';
import { testEnv, uniqueName } from '../helpers.ts';

const CT = 'application/vnd.schemaregistry.v1+json';
const PASSWORD = 's3cr3t-P@ss/word';

/** Registers a schema under `subject` through the registry's own API; returns its id. */
async function register(url: string, subject: string, schema: object): Promise<number> {
  const res = await fetch(`${url}/subjects/${encodeURIComponent(subject)}/versions`, {
    method: 'POST',
    headers: { 'content-type': CT, accept: CT },
    body: JSON.stringify({ schema: JSON.stringify(schema) }),
  });
  const body = (await res.json()) as { id?: number };
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.ok(typeof body.id === 'number');
  return body.id;
}

async function rejection(p: Promise<unknown>): Promise<RegistryError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof RegistryError, `expected a RegistryError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a rejection');
}

/** Nothing in the error, its message or its fields, holds the password (or its Basic-auth encoding). */
function assertNoSecret(e: RegistryError): void {
  const everything = `${e.message} ${e.url} ${JSON.stringify(e)} ${String(e.stack)}`;
  assert.ok(!everything.includes(PASSWORD), `password leaked: ${everything}`);
  assert.ok(!everything.includes(encodeURIComponent(PASSWORD)), `encoded password leaked: ${everything}`);
  const basic = Buffer.from(`svc:${PASSWORD}`).toString('base64');
  assert.ok(!everything.includes(basic), `Basic token leaked: ${everything}`);
  assert.ok(!everything.includes('svc:'), `user info leaked: ${everything}`);
}

/** A closed port: listen on an ephemeral port, then close it. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function fakeRegistry(
  handler: Parameters<typeof createServer>[1],
): Promise<{ url: string; server: Server; close: () => Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('SchemaRegistryClient against the real registry', () => {
  test('latest schema of a subject, and the same schema by id', async () => {
    const env = testEnv();
    const subject = `${uniqueName('sensor')}-value`;
    const id = await register(env.registry.url, subject, sensorLog);

    const client = new SchemaRegistryClient({ url: env.registry.url });
    const latest = await client.latestSchema(subject);
    assert.equal(latest.id, id);
    assert.equal(latest.version, 1);
    assert.deepEqual(JSON.parse(latest.schema), sensorLog);

    // A second version becomes the latest.
    const v2 = {
      ...sensorLog,
      fields: [...sensorLog.fields, { name: 'site', type: ['null', 'string'], default: null }],
    };
    const id2 = await register(env.registry.url, subject, v2);
    const latest2 = await client.latestSchema(subject);
    assert.deepEqual([latest2.id, latest2.version], [id2, 2]);
    assert.deepEqual(JSON.parse(latest2.schema), v2);

    const fresh = new SchemaRegistryClient({ url: `${env.registry.url}/` }); // a trailing slash is fine
    assert.deepEqual(JSON.parse(await fresh.schemaById(id)), sensorLog);
    assert.deepEqual(JSON.parse(await fresh.schemaById(id2)), v2);
  });

  test('schemaById is cached per id', async () => {
    let requests = 0;
    const env = testEnv();
    const subject = `${uniqueName('cache')}-value`;
    const id = await register(env.registry.url, subject, sensorLog);
    // A counting proxy in front of the real registry.
    const proxy = await fakeRegistry(async (req, res) => {
      requests++;
      const upstream = await fetch(`${env.registry.url}${req.url}`, { headers: { accept: CT } });
      res.writeHead(upstream.status, { 'content-type': 'application/json' });
      res.end(await upstream.text());
    });
    try {
      const client = new SchemaRegistryClient({ url: proxy.url });
      const [a, b] = await Promise.all([client.schemaById(id), client.schemaById(id)]);
      const c = await client.schemaById(id);
      assert.equal(a, b);
      assert.equal(a, c);
      assert.equal(requests, 1);
    } finally {
      await proxy.close();
    }
  });

  test('a subject or an id the registry does not have is not-found, with an actionable message', async () => {
    const env = testEnv();
    const client = new SchemaRegistryClient({ url: env.registry.url });
    const subject = `${uniqueName('missing')}-value`;
    const e = await rejection(client.latestSchema(subject));
    assert.equal(e.kind, 'not-found');
    assert.equal(e.status, 404);
    assert.equal(e.message, `subject "${subject}" not found in the schema registry at ${env.registry.url}`);

    const byId = await rejection(client.schemaById(987654321));
    assert.equal(byId.kind, 'not-found');
    assert.equal(byId.message, `schema id 987654321 not found in the schema registry at ${env.registry.url}`);

    // The wrong base path (not the ccompat API) gets a hint.
    const wrongBase = new SchemaRegistryClient({ url: env.registry.url.replace(/\/apis\/ccompat\/v7$/, '/nope') });
    const w = await rejection(wrongBase.latestSchema(subject));
    assert.equal(w.kind, 'not-found');
    assert.match(
      w.message,
      /answered HTTP 404 without a schema registry error; is it the base of the Confluent-compatible API/,
    );
  });

  test('a closed port is unreachable', async () => {
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}`;
    const e = await rejection(new SchemaRegistryClient({ url }).latestSchema('orders-value'));
    assert.equal(e.kind, 'unreachable');
    assert.equal(e.status, undefined);
    assert.equal(e.message, `cannot reach the schema registry at ${url}: connection refused (ECONNREFUSED)`);
  });

  test('the password given in auth or in the URL never appears in an error', async () => {
    const env = testEnv();
    const port = await closedPort();
    const subject = `${uniqueName('secret')}-value`;
    const clients = [
      new SchemaRegistryClient({ url: env.registry.url, auth: { username: 'svc', password: PASSWORD } }),
      new SchemaRegistryClient({
        url: env.registry.url.replace('http://', `http://svc:${encodeURIComponent(PASSWORD)}@`),
      }),
      new SchemaRegistryClient({ url: `http://127.0.0.1:${port}`, auth: { username: 'svc', password: PASSWORD } }),
      new SchemaRegistryClient({ url: `http://svc:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/x` }),
    ];
    for (const client of clients) {
      assert.ok(!client.url.includes('svc'), client.url);
      for (const call of [() => client.latestSchema(subject), () => client.schemaById(987654321)]) {
        assertNoSecret(await rejection(call()));
      }
    }
    // Credentials in a URL that is refused are not shown either: invalid, or with an unencoded '/' in the password.
    for (const url of [
      `http://svc:${encodeURIComponent(PASSWORD)}@[bad`,
      `http://svc:${PASSWORD}@127.0.0.1:${port}`,
      `ftp://svc:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}`,
    ]) {
      let refused: unknown;
      try {
        new SchemaRegistryClient({ url });
      } catch (e) {
        refused = e;
      }
      assert.ok(refused instanceof RegistryError, url);
      assert.equal(refused.kind, 'invalid');
      assertNoSecret(refused);
    }
  });
});

describe('SchemaRegistryClient: answers the real registry does not give', () => {
  test('401 and 403 are unauthorized; Basic auth is sent; a registry that echoes it is redacted', async () => {
    const seen: Array<string | undefined> = [];
    const fake = await fakeRegistry((req, res) => {
      seen.push(req.headers.authorization);
      const status = req.url?.includes('forbidden') ? 403 : 401;
      res.writeHead(status, { 'content-type': CT });
      // A careless registry echoing the credentials it got.
      res.end(
        JSON.stringify({
          error_code: status * 100 + 1,
          message: `bad credentials ${req.headers.authorization} ${PASSWORD}`,
        }),
      );
    });
    try {
      const client = new SchemaRegistryClient({ url: fake.url, auth: { username: 'svc', password: PASSWORD } });
      const e = await rejection(client.latestSchema('orders-value'));
      assert.equal(e.kind, 'unauthorized');
      assert.equal(e.status, 401);
      assert.match(
        e.message,
        new RegExp(`^the schema registry at ${fake.url} rejected the credentials \\(HTTP 401\\)`),
      );
      assert.match(e.message, /check the username and password$/);
      assertNoSecret(e);
      assert.equal(seen[0], `Basic ${Buffer.from(`svc:${PASSWORD}`).toString('base64')}`);

      const f = await rejection(client.latestSchema('forbidden-value'));
      assert.equal(f.kind, 'unauthorized');
      assert.equal(f.status, 403);
      assertNoSecret(f);

      const anonymous = await rejection(new SchemaRegistryClient({ url: fake.url }).latestSchema('orders-value'));
      assert.match(anonymous.message, /rejected the request without credentials/);
      assert.equal(seen.at(-1), undefined);
    } finally {
      await fake.close();
    }
  });

  test('5xx is unreachable (retry later); unexpected bodies and non-Avro schemas are invalid', async () => {
    const fake = await fakeRegistry((req, res) => {
      if (req.url?.startsWith('/subjects/down')) {
        res.writeHead(503, { 'content-type': CT });
        res.end(JSON.stringify({ error_code: 50003, message: 'backend unavailable' }));
      } else if (req.url?.startsWith('/subjects/html')) {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>login</html>');
      } else if (req.url?.startsWith('/subjects/proto')) {
        res.writeHead(200, { 'content-type': CT });
        res.end(
          JSON.stringify({ subject: 'proto', id: 1, version: 1, schemaType: 'PROTOBUF', schema: 'syntax = "proto3";' }),
        );
      } else {
        res.writeHead(200, { 'content-type': CT });
        res.end(JSON.stringify({ subject: 'x' }));
      }
    });
    try {
      const client = new SchemaRegistryClient({ url: fake.url });
      const down = await rejection(client.latestSchema('down-value'));
      assert.deepEqual([down.kind, down.status], ['unreachable', 503]);
      assert.match(down.message, /failed reading subject "down-value" \(HTTP 503\) \(backend unavailable\)/);

      const html = await rejection(client.latestSchema('html-value'));
      assert.equal(html.kind, 'invalid');
      assert.match(html.message, /not JSON/);

      const proto = await rejection(client.latestSchema('proto-value'));
      assert.equal(proto.kind, 'invalid');
      assert.match(proto.message, /is a PROTOBUF schema, not Avro/);

      const partial = await rejection(client.latestSchema('partial-value'));
      assert.equal(partial.kind, 'invalid');
      assert.match(partial.message, /without id, version and schema/);
    } finally {
      await fake.close();
    }
  });

  test('a registry that never answers is unreachable after timeoutMs', async () => {
    const fake = await fakeRegistry(() => {
      // never answers
    });
    try {
      const started = Date.now();
      const client = new SchemaRegistryClient({ url: fake.url, timeoutMs: 300 });
      const e = await rejection(client.schemaById(1));
      assert.equal(e.kind, 'unreachable');
      assert.equal(e.message, `cannot reach the schema registry at ${fake.url}: no answer within 300 ms`);
      assert.ok(Date.now() - started < 5000);
      // The failure is not cached.
      const again = await rejection(client.schemaById(1));
      assert.equal(again.kind, 'unreachable');
    } finally {
      await fake.close();
    }
  });
});
