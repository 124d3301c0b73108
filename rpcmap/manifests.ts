import { parseAllDocuments } from 'yaml';
import type { ScanWarning } from './model';
import type { ServiceIndex } from './resolve/service-index';

/** The part of the service index manifests use: look names up, add names. */
type NameIndex = Pick<ServiceIndex, 'lookup' | 'add'>;

export interface ManifestText {
  /** relative to the scanned root */
  readonly path: string;
  readonly text: string;
}

/** A manifest file's documents as plain values, or why it is not YAML. */
export type ParsedManifest =
  | { readonly path: string; readonly docs: readonly unknown[] }
  | { readonly path: string; readonly error: string };

/** Parses a manifest file's YAML documents (the costly part, which a worker thread can do). */
export function parseManifest(file: ManifestText): ParsedManifest {
  try {
    return {
      path: file.path,
      docs: parseAllDocuments(file.text).map((doc) => doc.toJS() as unknown),
    };
  } catch (error) {
    return { path: file.path, error: (error as Error).message };
  }
}

/** Environment values manifests set, per fleet service, and the names they give services. */
export interface ManifestFacts {
  readonly env: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /** `[name, service]` in the order they were added to the index (so they can be replayed) */
  readonly aliases: readonly (readonly [string, string])[];
  readonly warnings: readonly ScanWarning[];
}

type Json = Record<string, unknown>;

const WORKLOADS = new Set([
  'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'Pod', 'CronJob', 'Rollout',
]); // prettier-ignore

/**
 * Reads Kubernetes manifests and compose files: the names they give services (a Service's
 * name, a compose service's name, a Dapr app id) become aliases in `index`, and the
 * environment they set becomes what `os.Getenv` returns for that service. A workload is
 * matched to a fleet service by its labels or name, else by where the file is.
 */
export function readManifests(
  files: readonly (ManifestText | ParsedManifest)[],
  index: ServiceIndex,
  serviceOfPath: (path: string) => string | undefined,
): ManifestFacts {
  const env = new Map<string, Map<string, string>>();
  const warnings: ScanWarning[] = [];
  const aliases: [string, string][] = [];
  // Every name added is recorded, so a later scan can rebuild the index without the YAML.
  const recording = {
    lookup: (name: string) => index.lookup(name),
    add: (name: string, service: string) => {
      aliases.push([name, service]);
      index.add(name, service);
    },
  };
  const setEnv = (service: string, name: string, value: string) => {
    const vars = env.get(service) ?? new Map<string, string>();
    if (!vars.has(name)) vars.set(name, value);
    env.set(service, vars);
  };
  for (const file of files) {
    const parsed = 'text' in file ? parseManifest(file) : file;
    if ('error' in parsed) {
      warnings.push({ file: file.path, message: `not valid YAML, skipped: ${parsed.error}` });
      continue;
    }
    for (const doc of parsed.docs) {
      if (!isObject(doc)) continue;
      if (typeof doc.kind === 'string')
        readKubernetes(doc, file.path, recording, serviceOfPath, setEnv);
      else if (isObject(doc.services))
        readCompose(doc.services, file.path, recording, serviceOfPath, setEnv);
    }
  }
  return { env, aliases, warnings };
}

function readKubernetes(
  doc: Json,
  path: string,
  index: NameIndex,
  serviceOfPath: (path: string) => string | undefined,
  setEnv: (service: string, name: string, value: string) => void,
): void {
  const metadata = object(doc.metadata);
  const name = string(metadata.name);
  const labels = object(metadata.labels);
  if (doc.kind === 'Service') {
    const selector = object(object(doc.spec).selector);
    const service =
      lookupFirst(index, [selector['app.kubernetes.io/name'], selector.app, labels.app, name]) ??
      serviceOfPath(path);
    if (service && name) index.add(name, service);
    return;
  }
  if (!WORKLOADS.has(String(doc.kind))) return;
  const template = podTemplate(doc);
  const annotations = object(object(template.metadata).annotations);
  const appId = string(annotations['dapr.io/app-id']);
  const service =
    lookupFirst(index, [labels['app.kubernetes.io/name'], labels.app, name, appId]) ??
    serviceOfPath(path);
  if (service === undefined) return;
  if (name) index.add(name, service);
  if (appId) index.add(appId, service);
  const containers = array(object(template.spec).containers);
  for (const container of containers) {
    for (const variable of array(object(container).env)) {
      const entry = object(variable);
      const key = string(entry.name);
      const value = entry.value;
      if (key && (typeof value === 'string' || typeof value === 'number')) {
        setEnv(service, key, String(value));
      }
    }
  }
}

function podTemplate(doc: Json): Json {
  const spec = object(doc.spec);
  if (doc.kind === 'Pod') return { metadata: doc.metadata, spec };
  if (doc.kind === 'CronJob') return object(object(object(spec.jobTemplate).spec).template);
  return object(spec.template);
}

function readCompose(
  services: Json,
  path: string,
  index: NameIndex,
  serviceOfPath: (path: string) => string | undefined,
  setEnv: (service: string, name: string, value: string) => void,
): void {
  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
  for (const [name, raw] of Object.entries(services)) {
    const entry = object(raw);
    const build = entry.build;
    const context = typeof build === 'string' ? build : string(object(build).context);
    const service =
      index.lookup(name) ?? (context ? serviceOfPath(joinRelative(dir, context)) : undefined);
    if (service === undefined) continue;
    // On a compose network a service is reached by its compose name.
    index.add(name, service);
    for (const alias of [entry.hostname, entry.container_name]) {
      if (typeof alias === 'string') index.add(alias, service);
    }
    const environment = entry.environment;
    if (Array.isArray(environment)) {
      for (const item of environment) {
        const text = String(item);
        const eq = text.indexOf('=');
        if (eq > 0) setEnv(service, text.slice(0, eq), text.slice(eq + 1));
      }
    } else {
      for (const [key, value] of Object.entries(object(environment))) {
        if (typeof value === 'string' || typeof value === 'number')
          setEnv(service, key, String(value));
      }
    }
  }
}

function lookupFirst(index: NameIndex, names: readonly unknown[]): string | undefined {
  for (const name of names) {
    if (typeof name !== 'string' || name === '') continue;
    const service = index.lookup(name);
    if (service !== undefined) return service;
  }
  return undefined;
}

function joinRelative(dir: string, relative: string): string {
  const parts = dir === '' ? [] : dir.split('/');
  for (const part of relative.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function object(value: unknown): Json {
  return isObject(value) ? value : {};
}
function array(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
function string(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
