// Generates the Helm chart's CRD templates from crds/ (the chart installs and upgrades the CRDs; crds/ stays the
// plain `kubectl apply -f crds/` copy) and deploy/install.yaml, the chart rendered with default values for users
// without Helm. `--check` fails when a committed file differs (the tests use the same functions).
// It also writes docs/argocd/argocd-cm.yaml from docs/argocd/*.lua.
//   node scripts/gen-chart.ts             write everything
//   node scripts/gen-chart.ts --no-helm   all but deploy/install.yaml (no helm binary needed)
//   node scripts/gen-chart.ts --check     exit 1 when anything is stale
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as yaml from 'js-yaml';
import { paths } from '../devenv/config.ts';

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
export const CHART_DIR = join(ROOT, 'helm', 'routine-load-operator');
export const CRD_TEMPLATE_DIR = join(CHART_DIR, 'templates', 'crds');
export const INSTALL_MANIFEST = join(ROOT, 'deploy', 'install.yaml');
/** Namespace and release name of the plain install manifest. */
export const INSTALL_NAMESPACE = 'routine-load-operator';

interface Crd {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  spec: unknown;
}

/** `{{` and `}}` in CRD text (a CEL rule, a description) must reach the output verbatim, not as Helm actions. */
function escapeHelm(text: string): string {
  return text.replace(/\{\{|\}\}/g, (m) => (m === '{{' ? '{{ "{{" }}' : '{{ "}}" }}'));
}

/** The chart's CRD templates, keyed by absolute path: the same CRDs as crds/, behind crds.enabled / crds.keep. */
export function renderChartCrdTemplates(crdDir = join(ROOT, 'crds')): Map<string, string> {
  const out = new Map<string, string>();
  for (const file of readdirSync(crdDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const crd = yaml.load(readFileSync(join(crdDir, file), 'utf8')) as Crd;
    if (crd?.kind !== 'CustomResourceDefinition') throw new Error(`${file} is not a CustomResourceDefinition`);
    const spec = yaml.dump({ spec: crd.spec }, { lineWidth: 120, noRefs: true });
    const text = [
      '{{- /* Generated from crds/ by `npm run gen:chart`. Do not edit by hand. */ -}}',
      '{{- if .Values.crds.enabled }}',
      `apiVersion: ${crd.apiVersion}`,
      `kind: ${crd.kind}`,
      'metadata:',
      `  name: ${crd.metadata.name}`,
      '  labels:',
      '    {{- include "routine-load-operator.crdLabels" . | nindent 4 }}',
      '  {{- if or .Values.crds.keep .Values.crds.annotations }}',
      '  annotations:',
      '    {{- if .Values.crds.keep }}',
      '    # Uninstalling the chart must not delete the CRDs (and with them every RoutineLoadJob).',
      '    helm.sh/resource-policy: keep',
      '    {{- end }}',
      '    {{- with .Values.crds.annotations }}',
      '    {{- toYaml . | nindent 4 }}',
      '    {{- end }}',
      '  {{- end }}',
      escapeHelm(spec).trimEnd(),
      '{{- end }}',
      '',
    ].join('\n');
    out.set(join(CRD_TEMPLATE_DIR, file), text);
  }
  return out;
}

/** The provisioned helm (`npm run provision`), else `helm` on PATH. */
export function helmBinary(): string {
  return existsSync(paths.helm) ? paths.helm : 'helm';
}

/** deploy/install.yaml: a Namespace plus the chart rendered with default values (CRDs included, no Helm labels). */
export function renderInstallManifest(helm = helmBinary(), chartDir = CHART_DIR): string {
  const r = spawnSync(
    helm,
    [
      'template',
      INSTALL_NAMESPACE,
      chartDir,
      '--namespace',
      INSTALL_NAMESPACE,
      // Not a Helm release: no keep policy (meaningless to kubectl) and no Helm ownership labels below.
      '--set',
      'crds.keep=false',
    ],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`helm template failed: ${r.error?.message ?? r.stderr}`);
  const body = r.stdout
    .replaceAll('app.kubernetes.io/managed-by: Helm', 'app.kubernetes.io/managed-by: kubectl')
    .replace(/^\s*helm\.sh\/chart: .*\n/gm, '');
  return [
    '# Generated from helm/routine-load-operator with default values by `npm run gen:chart`. Do not edit by hand.',
    '# kubectl apply --server-side -f deploy/install.yaml   (installs the CRDs, RBAC for all namespaces, the operator)',
    '---',
    'apiVersion: v1',
    'kind: Namespace',
    'metadata:',
    `  name: ${INSTALL_NAMESPACE}`,
    '  labels:',
    '    pod-security.kubernetes.io/enforce: restricted',
    body.startsWith('---') ? body : `---\n${body}`,
  ].join('\n');
}

export const ARGOCD_DIR = join(ROOT, 'docs', 'argocd');
export const ARGOCD_CM = join(ARGOCD_DIR, 'argocd-cm.yaml');
export const ARGOCD_ACTIONS = ['pause', 'resume', 'restart'];

/** docs/argocd/argocd-cm.yaml: the health checks and actions of docs/argocd/*.lua as argocd-cm keys. */
export function renderArgoCdConfigMap(dir = ARGOCD_DIR): string {
  const lua = (...p: string[]) => readFileSync(join(dir, ...p), 'utf8');
  const actions = yaml.dump(
    {
      'discovery.lua': lua('actions', 'discovery.lua'),
      definitions: ARGOCD_ACTIONS.map((name) => ({ name, 'action.lua': lua('actions', name, 'action.lua') })),
    },
    { lineWidth: -1 },
  );
  const cm = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'argocd-cm',
      namespace: 'argocd',
      labels: { 'app.kubernetes.io/name': 'argocd-cm', 'app.kubernetes.io/part-of': 'argocd' },
    },
    data: {
      'resource.customizations.health.routineload.dev_RoutineLoadJob': lua('health-routineloadjob.lua'),
      'resource.customizations.health.routineload.dev_StarRocksConnection': lua('health-starrocksconnection.lua'),
      'resource.customizations.actions.routineload.dev_RoutineLoadJob': actions,
    },
  };
  return [
    '# Generated from docs/argocd/*.lua by `npm run gen:chart`. Do not edit by hand.',
    '# Merge into your argocd-cm:  kubectl -n argocd patch configmap argocd-cm --type merge --patch-file argocd-cm.yaml',
    yaml.dump(cm, { lineWidth: -1 }),
  ].join('\n');
}

/** Everything generated; `helm: false` leaves out what needs the helm binary (deploy/install.yaml). */
export function generatedFiles(opts: { helm?: boolean } = {}): Map<string, string> {
  const files = renderChartCrdTemplates();
  files.set(ARGOCD_CM, renderArgoCdConfigMap());
  if (opts.helm !== false) files.set(INSTALL_MANIFEST, renderInstallManifest());
  return files;
}

if (import.meta.main) {
  const check = process.argv.includes('--check');
  const files = generatedFiles({ helm: !process.argv.includes('--no-helm') });
  let stale = 0;
  for (const [file, text] of files) {
    const rel = relative(ROOT, file);
    if (check) {
      const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
      if (current !== text) {
        console.error(`${rel} is out of date; run npm run gen:chart`);
        stale++;
      }
    } else {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      console.log(`wrote ${rel}`);
    }
  }
  process.exit(stale ? 1 : 0);
}
