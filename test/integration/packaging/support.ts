// Helpers for the packaging tests: the provisioned helm and kubectl against the test apiserver, the chart rendered
// to objects, and applying objects.
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import * as yaml from 'js-yaml';
import { paths } from '../../../devenv/config.ts';
import { CHART_DIR } from '../../../scripts/gen-chart.ts';
import { kubeConfig, testEnv } from '../helpers.ts';

export { CHART_DIR };

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [k: string]: unknown;
}

export interface PolicyRule {
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  verbs: string[];
}

function run(
  cmd: string,
  args: string[],
  input?: string,
  extraEnv: Record<string, string> = {},
): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, {
    encoding: 'utf8',
    input,
    timeout: 120_000,
    // helm keeps its cache/config under $HOME by default; a temp home keeps tests from touching the user's.
    env: { ...process.env, ...extraEnv },
  });
}

const helmHome = mkdtempSync(join(tmpdir(), 'rlo-helm-'));
const helmEnv = {
  HELM_CACHE_HOME: join(helmHome, 'cache'),
  HELM_CONFIG_HOME: join(helmHome, 'config'),
  HELM_DATA_HOME: join(helmHome, 'data'),
};

/** Runs helm (the provisioned v3 binary); throws with stderr unless `allowFailure`. */
export function helm(args: string[], opts: { allowFailure?: boolean; kube?: boolean } = {}): SpawnSyncReturns<string> {
  const kubeArgs = opts.kube ? ['--kubeconfig', testEnv().kube.kubeconfig] : [];
  const r = run(paths.helm, [...args, ...kubeArgs], undefined, helmEnv);
  if (!opts.allowFailure && r.status !== 0) {
    throw new Error(`helm ${args.join(' ')} failed (${r.status}): ${r.error?.message ?? ''}${r.stderr}`);
  }
  return r;
}

/** Runs kubectl against the test apiserver (admin, or the given kubeconfig). */
export function kubectl(
  args: string[],
  opts: { input?: string; kubeconfig?: string; allowFailure?: boolean } = {},
): SpawnSyncReturns<string> {
  const r = run(paths.kubectl, ['--kubeconfig', opts.kubeconfig ?? testEnv().kube.kubeconfig, ...args], opts.input);
  if (!opts.allowFailure && r.status !== 0) {
    throw new Error(`kubectl ${args.join(' ')} failed (${r.status}): ${r.error?.message ?? ''}${r.stderr}`);
  }
  return r;
}

/** Values as a temp file (so lists and maps need no --set escaping). */
export function valuesFile(values: object): string {
  const dir = mkdtempSync(join(tmpdir(), 'rlo-values-'));
  const file = join(dir, 'values.yaml');
  writeFileSync(file, yaml.dump(values));
  return file;
}

/** `helm template` output as text. */
export function templateText(
  release: string,
  namespace: string,
  values: object = {},
  extra: string[] = [],
  chart = CHART_DIR,
): string {
  return helm(['template', release, chart, '--namespace', namespace, '-f', valuesFile(values), ...extra]).stdout;
}

export function parseDocs(text: string): KubeObject[] {
  return yaml.loadAll(text).filter((d): d is KubeObject => typeof d === 'object' && d !== null);
}

/** The chart rendered into objects. */
export function render(
  release: string,
  namespace: string,
  values: object = {},
  extra: string[] = [],
  chart = CHART_DIR,
): KubeObject[] {
  return parseDocs(templateText(release, namespace, values, extra, chart));
}

export function toYamlStream(objects: object[]): string {
  return objects.map((o) => yaml.dump(o, { noRefs: true })).join('---\n');
}

/** kubectl apply (server-side, so big CRDs need no last-applied annotation). */
export function apply(objects: object[], extra: string[] = []): string {
  return kubectl(
    ['apply', '--server-side', '--force-conflicts', '--field-manager=packaging-test', '-f', '-', ...extra],
    {
      input: toYamlStream(objects),
    },
  ).stdout;
}

export async function ensureNamespace(name: string): Promise<void> {
  try {
    await kubeConfig()
      .makeApiClient(CoreV1Api)
      .createNamespace({ body: { metadata: { name } } });
  } catch (e) {
    if ((e as { code?: number }).code !== 409) throw e;
  }
}

export async function deleteNamespace(name: string): Promise<void> {
  try {
    await kubeConfig().makeApiClient(CoreV1Api).deleteNamespace({ name });
  } catch {}
}

export const rbacKinds = new Set(['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding', 'ServiceAccount']);

/** Environment variables the chart's Deployment gives the operator container (downward API ones resolved). */
export function deploymentEnv(objects: KubeObject[], pod: { name: string; namespace: string }): Record<string, string> {
  const dep = objects.find((o) => o.kind === 'Deployment') as
    | {
        spec: {
          template: {
            spec: {
              containers: Array<{
                env: Array<{ name: string; value?: string; valueFrom?: { fieldRef?: { fieldPath: string } } }>;
              }>;
            };
          };
        };
      }
    | undefined;
  if (!dep) throw new Error('no Deployment rendered');
  const env: Record<string, string> = {};
  for (const e of dep.spec.template.spec.containers[0]?.env ?? []) {
    const field = e.valueFrom?.fieldRef?.fieldPath;
    if (field === 'metadata.name') env[e.name] = pod.name;
    else if (field === 'metadata.namespace') env[e.name] = pod.namespace;
    else if (e.value !== undefined) env[e.name] = e.value;
    else throw new Error(`env ${e.name}: unsupported source`);
  }
  return env;
}
