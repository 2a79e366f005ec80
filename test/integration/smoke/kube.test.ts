// Proves the kube-apiserver is real: a CRD is established, an object of it is created, watched and updated.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ApiextensionsV1Api, CustomObjectsApi, VersionApi, Watch } from '@kubernetes/client-node';
import { eventually, kubeConfig, testEnv } from '../helpers.ts';

const group = 'smoke.routineload.dev';
const plural = 'widgets';
const crdName = `${plural}.${group}`;

test('kube-apiserver serves a CRD and streams watch events of its objects', async (t) => {
  const env = testEnv();
  const kc = kubeConfig(env);
  const version = await kc.makeApiClient(VersionApi).getCode();
  t.diagnostic(`kube-apiserver version: ${version.gitVersion} at ${env.kube.server}`);
  assert.match(version.gitVersion, /^v1\.34\./);

  const ext = kc.makeApiClient(ApiextensionsV1Api);
  await ext.createCustomResourceDefinition({
    body: {
      metadata: { name: crdName },
      spec: {
        group,
        scope: 'Namespaced',
        names: { plural, singular: 'widget', kind: 'Widget' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: 'object',
                properties: { spec: { type: 'object', properties: { size: { type: 'integer', minimum: 1 } } } },
              },
            },
          },
        ],
      },
    },
  });
  after(() => ext.deleteCustomResourceDefinition({ name: crdName }).catch(() => undefined));
  await eventually('CRD established', async () => {
    const crd = await ext.readCustomResourceDefinition({ name: crdName });
    return crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
  });

  // Right after a CRD is established the apiserver answers watches with 429 until its watch cache is ready.
  const seen: string[] = [];
  const startWatch = async () => {
    let ended: unknown;
    const req = await new Watch(kc).watch(
      `/apis/${group}/v1/namespaces/default/${plural}`,
      {},
      (type, obj: { metadata?: { name?: string }; spec?: { size?: number } }) => {
        seen.push(`${type}:${obj.metadata?.name}:${obj.spec?.size}`);
      },
      (err) => {
        ended = err ?? 'closed';
      },
    );
    await new Promise((r) => setTimeout(r, 300));
    if (ended !== undefined) throw new Error(`watch ended: ${String(ended)}`);
    return req;
  };
  const req = await eventually('watch accepted', startWatch);
  try {
    const objects = kc.makeApiClient(CustomObjectsApi);
    const body = { apiVersion: `${group}/v1`, kind: 'Widget', metadata: { name: 'w1' }, spec: { size: 1 } };
    await objects.createNamespacedCustomObject({ group, version: 'v1', namespace: 'default', plural, body });
    // Schema validation is the real apiserver's: size must be >= 1.
    await assert.rejects(
      objects.createNamespacedCustomObject({
        group,
        version: 'v1',
        namespace: 'default',
        plural,
        body: { ...body, metadata: { name: 'w2' }, spec: { size: 0 } },
      }),
      (e: { code?: number; body?: string }) => e.code === 422 && /spec\.size/.test(String(e.body)),
    );
    await objects.replaceNamespacedCustomObject({
      group,
      version: 'v1',
      namespace: 'default',
      plural,
      name: 'w1',
      body: {
        ...body,
        metadata: {
          name: 'w1',
          resourceVersion: (
            (await objects.getNamespacedCustomObject({
              group,
              version: 'v1',
              namespace: 'default',
              plural,
              name: 'w1',
            })) as {
              metadata: { resourceVersion: string };
            }
          ).metadata.resourceVersion,
        },
        spec: { size: 2 },
      },
    });
    await eventually('watch events', async () => (seen.includes('MODIFIED:w1:2') ? true : undefined));
    assert.deepEqual(seen.slice(0, 2), ['ADDED:w1:1', 'MODIFIED:w1:2']);
  } finally {
    req.abort();
  }
});
