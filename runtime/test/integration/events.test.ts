// Events on the real apiserver: created as core/v1 Events about the object, deduplicated (count grows), distinct
// messages kept apart, long messages truncated, and failures swallowed (logged).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CoreV1Api, type CoreV1Event, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import { kubeConfig } from '../../../test/integration/helpers.ts';
import { EventRecorder } from '../../index.ts';
import { createNamespace, deleteNamespace, memoryLogger } from './support.ts';

describe('EventRecorder (real apiserver)', () => {
  let kc: KubeConfig;
  let core: CoreV1Api;
  let ns: string;
  let obj: V1ConfigMap;

  const eventsFor = async (uid: string): Promise<CoreV1Event[]> =>
    (await core.listNamespacedEvent({ namespace: ns, fieldSelector: `involvedObject.uid=${uid}` })).items;

  before(async () => {
    kc = kubeConfig();
    core = kc.makeApiClient(CoreV1Api);
    ns = await createNamespace(kc, 'rt-ev');
    obj = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'subject' } } });
  });
  after(() => deleteNamespace(kc, ns));

  test('creates an Event about the object and counts repeats instead of creating new ones', async () => {
    const rec = new EventRecorder(kc, { component: 'routine-load-operator', host: 'pod-0' });
    const involved = { apiVersion: 'v1', kind: 'ConfigMap', metadata: obj.metadata! };
    await rec.record(involved, 'Normal', 'Created', 'routine load job created', 'Create');
    let evs = await eventsFor(obj.metadata!.uid!);
    assert.equal(evs.length, 1);
    const e = evs[0]!;
    assert.equal(e.type, 'Normal');
    assert.equal(e.reason, 'Created');
    assert.equal(e.message, 'routine load job created');
    assert.equal(e.count, 1);
    assert.equal(e.action, 'Create');
    assert.equal(e.source?.component, 'routine-load-operator');
    assert.equal(e.source?.host, 'pod-0');
    assert.equal(e.reportingComponent, 'routine-load-operator');
    assert.deepEqual(
      [e.involvedObject.kind, e.involvedObject.name, e.involvedObject.namespace, e.involvedObject.uid],
      ['ConfigMap', 'subject', ns, obj.metadata!.uid],
    );

    await rec.record(involved, 'Normal', 'Created', 'routine load job created');
    await rec.record(involved, 'Normal', 'Created', 'routine load job created');
    evs = await eventsFor(obj.metadata!.uid!);
    assert.equal(evs.length, 1, 'repeats update the same Event');
    assert.equal(evs[0]!.count, 3);
    assert.ok(evs[0]!.lastTimestamp! >= evs[0]!.firstTimestamp!);

    // Concurrent repeats are serialized: still one Event.
    await Promise.all(Array.from({ length: 5 }, () => rec.record(involved, 'Warning', 'Paused', 'job paused')));
    evs = await eventsFor(obj.metadata!.uid!);
    const paused = evs.filter((x) => x.reason === 'Paused');
    assert.equal(paused.length, 1);
    assert.equal(paused[0]!.count, 5);
    assert.equal(paused[0]!.type, 'Warning');

    // A different message is a different Event.
    await rec.record(involved, 'Warning', 'Paused', 'job paused again, for another reason');
    evs = await eventsFor(obj.metadata!.uid!);
    assert.equal(evs.filter((x) => x.reason === 'Paused').length, 2);
  });

  test('truncates long messages to 1024 characters', async () => {
    const rec = new EventRecorder(kc, { component: 'routine-load-operator' });
    const involved = { apiVersion: 'v1', kind: 'ConfigMap', metadata: obj.metadata! };
    await rec.record(involved, 'Warning', 'LongMessage', 'e'.repeat(4000));
    const ev = (await eventsFor(obj.metadata!.uid!)).find((x) => x.reason === 'LongMessage');
    assert.equal(ev?.message?.length, 1024);
  });

  test('an Event deleted meanwhile is recreated on the next repeat', async () => {
    const rec = new EventRecorder(kc, { component: 'routine-load-operator' });
    const involved = { apiVersion: 'v1', kind: 'ConfigMap', metadata: obj.metadata! };
    await rec.record(involved, 'Normal', 'Gone', 'will be deleted');
    const [ev] = (await eventsFor(obj.metadata!.uid!)).filter((x) => x.reason === 'Gone');
    await core.deleteNamespacedEvent({ name: ev!.metadata!.name!, namespace: ns });
    await rec.record(involved, 'Normal', 'Gone', 'will be deleted');
    const again = (await eventsFor(obj.metadata!.uid!)).filter((x) => x.reason === 'Gone');
    assert.equal(again.length, 1);
    assert.equal(again[0]!.count, 1);
  });

  test('never throws: a failed write is logged', async () => {
    const log = memoryLogger();
    const rec = new EventRecorder(kc, { component: 'routine-load-operator', logger: log });
    await rec.record(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'no-such-namespace-rt', uid: 'u' } },
      'Warning',
      'Whatever',
      'goes nowhere',
    );
    assert.ok(log.lines.some((l) => l.level === 'warn' && l.msg === 'could not record event'));
  });
});
