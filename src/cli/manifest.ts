// Reading manifests for the CLI: YAML documents, with Secrets in the same files used to resolve references.
import { readFileSync } from 'node:fs';
import * as yaml from 'js-yaml';
import type { RoutineLoadJob } from '../api/routineloadjob.ts';
import type { SecretLookup } from '../reconcile/desired.ts';

export class ManifestError extends Error {}

interface SecretDoc {
  kind: 'Secret';
  metadata?: { name?: string; resourceVersion?: string };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
}

export interface Manifest {
  jobs: RoutineLoadJob[];
  /** Resolves secret references: Secrets in the manifest when present, else a stand-in (values are masked anyway). */
  secrets: SecretLookup;
}

export function loadManifest(file: string): Manifest {
  let text: string;
  try {
    text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (e) {
    throw new ManifestError(`cannot read ${file}: ${(e as Error).message}`);
  }
  let docs: unknown[];
  try {
    docs = yaml.loadAll(text).filter((d) => d !== null && d !== undefined);
  } catch (e) {
    throw new ManifestError(`${file} is not valid YAML: ${(e as Error).message}`);
  }
  const jobs: RoutineLoadJob[] = [];
  const secrets = new Map<string, SecretDoc>();
  docs.forEach((doc, i) => {
    const d = doc as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
    if (typeof d !== 'object' || Array.isArray(d))
      throw new ManifestError(`${file}: document ${i + 1} is not an object`);
    if (d.kind === 'Secret') secrets.set(String(d.metadata?.name), doc as SecretDoc);
    if (d.kind !== 'RoutineLoadJob') return;
    if (d.apiVersion !== 'routineload.dev/v1alpha1') {
      throw new ManifestError(
        `${file}: document ${i + 1}: apiVersion must be routineload.dev/v1alpha1, got ${JSON.stringify(d.apiVersion)}`,
      );
    }
    if (typeof d.metadata?.name !== 'string' || d.metadata.name === '') {
      throw new ManifestError(`${file}: document ${i + 1}: metadata.name is required`);
    }
    if (typeof (doc as { spec?: unknown }).spec !== 'object') {
      throw new ManifestError(`${file}: RoutineLoadJob ${d.metadata.name}: spec is required`);
    }
    jobs.push(doc as RoutineLoadJob);
  });
  if (jobs.length === 0) throw new ManifestError(`${file} contains no RoutineLoadJob`);
  return {
    jobs,
    secrets: (name, key) => {
      const s = secrets.get(name);
      if (!s) return { value: `<${name}/${key}>`, revision: 'manifest' };
      const plain =
        s.stringData?.[key] ??
        (s.data?.[key] !== undefined ? Buffer.from(s.data[key], 'base64').toString('utf8') : undefined);
      return plain === undefined ? undefined : { value: plain, revision: s.metadata?.resourceVersion ?? 'manifest' };
    },
  };
}
