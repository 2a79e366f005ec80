// The chart ships the Grafana dashboard as an optional ConfigMap for Grafana's dashboard sidecar: off by default;
// on, it carries the sidecar label and exactly the committed dashboard JSON, and the apiserver accepts it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { DASHBOARD_FILE } from '../../../scripts/dashboard.ts';
import { type KubeObject, kubectl, render, toYamlStream } from './support.ts';

const configMaps = (objs: KubeObject[]) =>
  objs.filter((o) => o.kind === 'ConfigMap') as Array<KubeObject & { data: Record<string, string> }>;

test('grafana.dashboard.enabled renders a ConfigMap with the sidecar label and the dashboard JSON', () => {
  assert.deepEqual(configMaps(render('rlo', 'rlo-system')), [], 'none by default');
  const [cm, ...more] = configMaps(
    render('rlo', 'rlo-system', {
      grafana: { dashboard: { enabled: true, annotations: { grafana_folder: 'StarRocks' }, namespace: 'monitoring' } },
    }),
  );
  assert.ok(cm);
  assert.deepEqual(more, []);
  assert.equal(cm.metadata.labels?.grafana_dashboard, '1');
  assert.equal(cm.metadata.annotations?.grafana_folder, 'StarRocks');
  assert.equal(cm.metadata.namespace, 'monitoring');
  assert.deepEqual(Object.keys(cm.data), ['routine-load-operator.json']);
  assert.deepEqual(
    JSON.parse(cm.data['routine-load-operator.json']!),
    JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')),
  );
  const r = kubectl(['apply', '--dry-run=client', '-o', 'name', '-f', '-'], {
    input: toYamlStream([{ ...cm, metadata: { ...cm.metadata, namespace: 'default' } }]),
  });
  assert.match(r.stdout, /configmap\/rlo-routine-load-operator-dashboard/);
  const server = kubectl(['apply', '--dry-run=server', '-f', '-'], {
    input: toYamlStream([{ ...cm, metadata: { ...cm.metadata, namespace: 'default' } }]),
  });
  assert.match(server.stdout, /created \(server dry run\)/);
});
