import type { RpcmapConfig } from './config';
import {
  readManifests,
  type ManifestFacts,
  type ManifestText,
  type ParsedManifest,
} from './manifests';
import type { ScanResult, ServiceRoot } from './model';
import { analysePackages } from './resolve/analyse';
import { FindingSet } from './resolve/findings';
import { fileMeta, Program, type GoModule, type SourceFile } from './resolve/program';
import { ServiceIndex } from './resolve/service-index';
import type { TargetContext } from './resolve/targets';
import { mapServices, type ServiceMap } from './services';

/** Everything the analysis needs, already read from disk. */
export interface TreeInput {
  readonly config: RpcmapConfig;
  readonly files: readonly SourceFile[];
  /** every directory of the tree, relative to the root (service discovery matches these) */
  readonly dirs: readonly string[];
  readonly modules: readonly GoModule[];
  readonly manifests: readonly ManifestText[];
}

/** The fleet as the analysis sees it: its services, the names they answer to, their env. */
export interface Fleet {
  readonly roots: readonly ServiceRoot[];
  readonly serviceOfDir: (dir: string) => string | undefined;
  readonly context: TargetContext;
  readonly manifests: ManifestFacts;
}

/**
 * The names the tree's services answer to and their environment, from the manifests (or
 * replayed from what an earlier scan read in the same manifests, `ManifestFacts`).
 */
export function readFleet(
  services: ServiceMap,
  manifests: readonly (ManifestText | ParsedManifest)[] | ManifestFacts,
): Fleet {
  const index = new ServiceIndex(
    services.roots.map((root) => ({
      name: root.name,
      aliases: services.aliases.get(root.name) ?? [],
    })),
  );
  let facts: ManifestFacts;
  if (Array.isArray(manifests)) {
    const files = manifests as readonly (ManifestText | ParsedManifest)[];
    facts = readManifests(files, index, services.serviceOfDir);
  } else {
    facts = manifests as ManifestFacts;
    for (const [name, service] of facts.aliases) index.add(name, service);
  }
  return {
    roots: services.roots,
    serviceOfDir: services.serviceOfDir,
    context: { index, envOf: (service, name) => facts.env.get(service)?.get(name) },
    manifests: facts,
  };
}

/**
 * The pure half of a scan: facts of every file in, findings out (evidence snippets empty; the
 * scan fills them from the files). Mocks are left out unless the configuration includes them.
 */
export function analyseTree(input: TreeInput): ScanResult {
  const fleet = readFleet(mapServices(input.config, input.dirs), input.manifests);
  const files = input.config.include.mocks
    ? input.files
    : input.files.filter((file) => !file.facts.mock);
  const facts = new Map(files.map((file) => [file.path, file.facts]));
  const program = new Program(
    files.map((file) => fileMeta(file.path, file.facts)),
    input.modules,
    fleet.serviceOfDir,
    (path) => {
      const found = facts.get(path);
      if (found === undefined) throw new Error(`no facts for ${path}`);
      return found;
    },
  );
  const findings = new FindingSet();
  for (const list of analysePackages(program, program.dirs, fleet.context).values()) {
    for (const finding of list) findings.add(finding);
  }
  return { services: fleet.roots, ...findings.result(), warnings: [...fleet.manifests.warnings] };
}

/** The module path a go.mod declares, if any. */
export function goModulePath(goMod: string): string | undefined {
  for (const line of goMod.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('module ')) return trimmed.slice(7).trim().replace(/^"|"$/g, '');
  }
  return undefined;
}
