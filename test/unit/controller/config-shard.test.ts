// Sharding options: --selector needs leader election (shards know each other through their Leases) and gets a
// Lease of its own by default; an explicit --lease-name wins; no selector, no sharding.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, defaultLeaseName, parseOperatorConfig } from '../../../src/controller/config.ts';

test('a selector gets its own lease name; none keeps the default', () => {
  assert.equal(parseOperatorConfig(['--selector', 'shard=a'], {}).leaseName, 'routine-load-operator-shard-a');
  assert.equal(parseOperatorConfig(['--selector', 'shard=a', '--lease-name', 'x'], {}).leaseName, 'x');
  assert.equal(parseOperatorConfig([], {}).leaseName, 'routine-load-operator');
  assert.equal(parseOperatorConfig([], {}).selector, undefined);
  assert.equal(parseOperatorConfig([], { LABEL_SELECTOR: '' }).selector, undefined, 'the chart sets it empty');
  assert.equal(parseOperatorConfig([], { LABEL_SELECTOR: 'team in (x, y)' }).selector, 'team in (x, y)');
  assert.equal(defaultLeaseName('team in (x, y)'), 'routine-load-operator-team-in-x-y');
});

test('a selector without leader election is refused', () => {
  assert.throws(() => parseOperatorConfig(['--selector', 'shard=a', '--leader-elect', 'false'], {}), ConfigError);
});

test('--kube-max-connections is a positive integer, 8 by default', () => {
  assert.equal(parseOperatorConfig([], {}).kubeMaxConnections, 8);
  assert.equal(parseOperatorConfig(['--kube-max-connections', '3'], {}).kubeMaxConnections, 3);
  assert.throws(() => parseOperatorConfig(['--kube-max-connections', '0'], {}), ConfigError);
});
