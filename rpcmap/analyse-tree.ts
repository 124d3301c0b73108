import type { RpcmapConfig } from './config';
import { readManifests, type ManifestText } from './manifests';
import type { ScanResult } from './model';
import { analyse } from './resolve/analyse';
import { buildProgram, type GoModule, type SourceFile } from './resolve/program';
import { ServiceIndex } from './resolve/service-index';
import { mapServices } from './services';

/** Everything the analysis needs, already read from disk. */
export interface TreeInput {
  readonly config: RpcmapConfig;
  readonly files: readonly SourceFile[];
  /** every directory of the tree, relative to the root (service discovery matches these) */
  readonly dirs: readonly string[];
  readonly modules: readonly GoModule[];
  readonly manifests: readonly ManifestText[];
}

/**
 * The pure half of a scan: facts of every file in, findings out (evidence snippets empty; the
 * scan fills them from the files). Mocks are left out unless the configuration includes them.
 */
export function analyseTree(input: TreeInput): ScanResult {
  const services = mapServices(input.config, input.dirs);
  const index = new ServiceIndex(
    services.roots.map((root) => ({
      name: root.name,
      aliases: services.aliases.get(root.name) ?? [],
    })),
  );
  const serviceOfPath = (path: string) => services.serviceOfDir(path);
  const manifests = readManifests(input.manifests, index, serviceOfPath);
  const files = input.config.include.mocks
    ? input.files
    : input.files.filter((file) => !file.facts.mock);
  const program = buildProgram(files, input.modules, services.serviceOfDir);
  const result = analyse(program, services.roots, {
    index,
    envOf: (service, name) => manifests.env.get(service)?.get(name),
  });
  return { ...result, warnings: [...manifests.warnings] };
}

/** The module path a go.mod declares, if any. */
export function goModulePath(goMod: string): string | undefined {
  for (const line of goMod.split('\n')) {
    const trimmed = line.trim();
    if (trimmed.startsWith('module ')) return trimmed.slice(7).trim().replace(/^"|"$/g, '');
  }
  return undefined;
}
