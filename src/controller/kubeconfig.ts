// Which kubeconfig the operator and the CLI use, the way kubectl chooses and merges it: `--kubeconfig <file>` alone
// (not merged), else every file `KUBECONFIG` lists (separated by ':', ';' on Windows) merged, else client-node's
// default (~/.kube/config, else in-cluster). client-node's own KUBECONFIG merge differs from kubectl's (a later
// file's current-context wins, a name two files define throws), so the merge is done here.
import { existsSync } from 'node:fs';
import { delimiter } from 'node:path';
import { type Cluster, type Context, KubeConfig, type User } from '@kubernetes/client-node';

export interface KubeconfigParts {
  clusters: Cluster[];
  users: User[];
  contexts: Context[];
  currentContext?: string;
}

/**
 * kubectl's merge: the first file to set a value or map key wins and is never changed (a cluster, user or context
 * a later file names again is ignored whole; current-context comes from the first file that sets one).
 */
export function mergeKubeconfigs(configs: readonly KubeconfigParts[]): KubeconfigParts {
  const firstByName = <T extends { name: string }>(lists: T[][]): T[] => {
    const seen = new Map<string, T>();
    for (const item of lists.flat()) if (!seen.has(item.name)) seen.set(item.name, item);
    return [...seen.values()];
  };
  const currentContext = configs.map((c) => c.currentContext).find((c) => c !== undefined && c !== '');
  return {
    clusters: firstByName(configs.map((c) => c.clusters)),
    users: firstByName(configs.map((c) => c.users)),
    contexts: firstByName(configs.map((c) => c.contexts)),
    ...(currentContext !== undefined ? { currentContext } : {}),
  };
}

/**
 * The KubeConfig for `files` (config.ts's kubeconfigFiles). One file is read as given (missing: an error); of a list,
 * files that do not exist are skipped as kubectl skips them, and a list naming no existing file is an error.
 */
export function loadKubeConfig(files: readonly string[] | undefined): KubeConfig {
  const kc = new KubeConfig();
  if (files === undefined) {
    kc.loadFromDefault();
    return kc;
  }
  if (files.length === 1) {
    kc.loadFromFile(files[0] as string);
    return kc;
  }
  const existing = files.filter((f) => existsSync(f));
  if (existing.length === 0) throw new Error(`KUBECONFIG names no existing file: ${files.join(delimiter)}`);
  const parts = existing.map((f) => {
    const one = new KubeConfig();
    // Relative paths inside each file (certificates, exec commands) are resolved against that file's folder.
    one.loadFromFile(f);
    return {
      clusters: one.getClusters(),
      users: one.getUsers(),
      contexts: one.getContexts(),
      currentContext: one.getCurrentContext(),
    };
  });
  kc.loadFromOptions(mergeKubeconfigs(parts));
  return kc;
}
