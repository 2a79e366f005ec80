// The chart's files without helm: CRD templates generated from crds/ (and current), values.schema.json describing
// every value in values.yaml (and nothing that is not a value), the keep policy and the CRD switch in place.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as yaml from 'js-yaml';
import { CHART_DIR, CRD_TEMPLATE_DIR, ROOT, renderChartCrdTemplates } from '../../../scripts/gen-chart.ts';

test('the chart CRD templates are generated from crds/ and current (npm run gen:chart)', () => {
  const files = renderChartCrdTemplates();
  assert.deepEqual(
    readdirSync(CRD_TEMPLATE_DIR).sort(),
    readdirSync(join(ROOT, 'crds'))
      .filter((f) => f.endsWith('.yaml'))
      .sort(),
    'one template per CRD',
  );
  for (const [file, text] of files) {
    assert.ok(existsSync(file), `${file} exists`);
    assert.equal(readFileSync(file, 'utf8'), text, `${file} is stale: run npm run gen:chart`);
    assert.match(text, /^\{\{- if \.Values\.crds\.enabled \}\}$/m);
    assert.match(text, /^ {4}helm\.sh\/resource-policy: keep$/m);
  }
});

test('the CRD template carries the same spec as crds/ (only metadata differs)', () => {
  for (const [file, text] of renderChartCrdTemplates()) {
    const name = file.split('/').at(-1) ?? '';
    const plain = yaml.load(readFileSync(join(ROOT, 'crds', name), 'utf8')) as { spec: unknown };
    // Drop the template lines; what is left is plain YAML.
    const body = text
      .split('\n')
      .filter((l) => !l.includes('{{'))
      .join('\n');
    const templated = yaml.load(body) as { spec: unknown };
    assert.deepEqual(templated.spec, plain.spec, name);
  }
});

type Schema = {
  type?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  description?: string;
  oneOf?: Schema[];
};

test('values.schema.json describes every value, closes every object, and has no orphan entries', () => {
  const schema = JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8')) as Schema;
  const values = yaml.load(readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8')) as Record<string, unknown>;
  const walk = (v: unknown, s: Schema | undefined, path: string) => {
    assert.ok(s, `${path} is in values.schema.json`);
    assert.ok(s.description, `${path || 'the root'} has a description`);
    if (s.properties) {
      assert.equal(s.additionalProperties, false, `${path} rejects unknown keys`);
      const obj = (v ?? {}) as Record<string, unknown>;
      const at = (k: string) => (path ? `${path}.${k}` : k);
      for (const [k, sub] of Object.entries(obj)) walk(sub, s.properties[k], at(k));
      for (const k of Object.keys(s.properties)) {
        if (!(path === '' && k === 'global')) assert.ok(k in obj, `${at(k)} in the schema is a value in values.yaml`);
      }
    } else if (s.type === 'object') {
      // Free-form maps (resources, affinity, annotations...): no deeper description.
      assert.equal(typeof v, 'object', `${path} is an object`);
    }
  };
  assert.equal(schema.additionalProperties, false);
  walk(values, schema, '');
});
