// Which kubeconfig files are read and how several merge: kubectl's rules (--kubeconfig alone; KUBECONFIG a list,
// the first file to name something wins).
// Reproduce a failure with: FC_SEED=<seed printed below> npm test -- test/unit/controller/kubeconfig.test.ts
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { kubeconfigFiles, parseOperatorConfig } from '../../../src/controller/config.ts';
import { type KubeconfigParts, loadKubeConfig, mergeKubeconfigs } from '../../../src/controller/kubeconfig.ts';

const seed = Number(process.env.FC_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`fast-check seed ${seed} (reproduce: FC_SEED=${seed} npm test -- test/unit/controller/kubeconfig.test.ts)`);

describe('kubeconfigFiles', () => {
  test('--kubeconfig is one file, never split, and wins over KUBECONFIG', () => {
    assert.deepEqual(kubeconfigFiles('/a/b:c', '/x:/y', ':'), ['/a/b:c']);
  });

  test('KUBECONFIG is a list; empty entries are ignored; nothing set means the default', () => {
    assert.deepEqual(kubeconfigFiles(undefined, '/x::/y:', ':'), ['/x', '/y']);
    assert.deepEqual(kubeconfigFiles(undefined, 'C:\\k\\a;C:\\k\\b', ';'), ['C:\\k\\a', 'C:\\k\\b']);
    assert.equal(kubeconfigFiles(undefined, undefined, ':'), undefined);
    assert.equal(kubeconfigFiles(undefined, ':', ':'), undefined);
    assert.equal(kubeconfigFiles('', '', ':'), undefined);
  });

  test('property: a list joined with the separator reads back as the list', () => {
    const path = fc.string({ minLength: 1 }).filter((s) => !s.includes(':'));
    fc.assert(
      fc.property(fc.array(path, { minLength: 1, maxLength: 5 }), (files) => {
        assert.deepEqual(kubeconfigFiles(undefined, files.join(':'), ':'), files);
      }),
      { seed, numRuns: 200 },
    );
  });

  test('run: KUBECONFIG with several files reaches the operator as a list, the flag as one file', () => {
    assert.deepEqual(parseOperatorConfig([], { KUBECONFIG: ['/k/a', '/k/b'].join(pathDelimiter()) }).kubeconfig, [
      '/k/a',
      '/k/b',
    ]);
    assert.deepEqual(parseOperatorConfig(['--kubeconfig', '/k/c'], { KUBECONFIG: '/k/a' }).kubeconfig, ['/k/c']);
    assert.equal(parseOperatorConfig([], {}).kubeconfig, undefined);
  });
});

const pathDelimiter = () => (process.platform === 'win32' ? ';' : ':');

const cluster = (name: string, server: string) => ({ name, server, skipTLSVerify: false });
const user = (name: string, token: string) => ({ name, token });
const context = (name: string, c: string, u: string) => ({ name, cluster: c, user: u });

describe('mergeKubeconfigs', () => {
  test('the first file to name a cluster, user or context wins whole; current-context from the first that sets it', () => {
    const a: KubeconfigParts = {
      clusters: [cluster('prod', 'https://prod-a')],
      users: [user('me', 'token-a')],
      contexts: [context('prod', 'prod', 'me')],
    };
    const b: KubeconfigParts = {
      clusters: [cluster('prod', 'https://prod-b'), cluster('dev', 'https://dev')],
      users: [user('me', 'token-b')],
      contexts: [context('dev', 'dev', 'me')],
      currentContext: 'dev',
    };
    const c: KubeconfigParts = { clusters: [], users: [], contexts: [], currentContext: 'prod' };
    assert.deepEqual(mergeKubeconfigs([a, b, c]), {
      clusters: [cluster('prod', 'https://prod-a'), cluster('dev', 'https://dev')],
      users: [user('me', 'token-a')],
      contexts: [context('prod', 'prod', 'me'), context('dev', 'dev', 'me')],
      currentContext: 'dev',
    });
  });
});

describe('loadKubeConfig', () => {
  const yaml = (clusterName: string, server: string, current: string | undefined) =>
    [
      'apiVersion: v1',
      'kind: Config',
      `clusters: [{ name: ${clusterName}, cluster: { server: "${server}", certificate-authority: ca.crt } }]`,
      `users: [{ name: u-${clusterName}, user: { token: t } }]`,
      `contexts: [{ name: ${clusterName}, context: { cluster: ${clusterName}, user: u-${clusterName} } }]`,
      ...(current ? [`current-context: ${current}`] : []),
    ].join('\n');

  test('merges a list as kubectl does, skips missing files, resolves paths against each file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-test-'));
    try {
      writeFileSync(join(dir, 'a.yaml'), yaml('one', 'https://one:6443', undefined));
      writeFileSync(join(dir, 'b.yaml'), yaml('two', 'https://two:6443', 'two'));
      const kc = loadKubeConfig([join(dir, 'a.yaml'), join(dir, 'missing.yaml'), join(dir, 'b.yaml')]);
      assert.deepEqual(
        kc.getClusters().map((c) => [c.name, c.server, c.caFile]),
        [
          ['one', 'https://one:6443', join(dir, 'ca.crt')],
          ['two', 'https://two:6443', join(dir, 'ca.crt')],
        ],
      );
      assert.equal(kc.getCurrentContext(), 'two');
      assert.equal(kc.getCurrentCluster()?.server, 'https://two:6443');
      assert.throws(() => loadKubeConfig([join(dir, 'x.yaml'), join(dir, 'y.yaml')]), /names no existing file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
