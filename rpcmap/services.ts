import type { RpcmapConfig } from './config';
import { globMatcher } from './glob';
import type { ServiceRoot } from './model';

export interface ServiceMap {
  readonly roots: readonly ServiceRoot[];
  /** the service whose tree holds a directory (the longest matching path), if any */
  readonly serviceOfDir: (dir: string) => string | undefined;
  /** configured aliases per service */
  readonly aliases: ReadonlyMap<string, readonly string[]>;
}

/**
 * Maps the tree's directories to services: the ones rpcmap.yaml lists, then every directory a
 * `discover` glob matches (named by its own name) that no listed service already holds.
 */
export function mapServices(config: RpcmapConfig, dirs: readonly string[]): ServiceMap {
  const paths = new Map<string, string[]>();
  const aliases = new Map<string, string[]>();
  for (const service of config.services) {
    paths.set(service.name, [service.path].flat().map(normaliseDir));
    aliases.set(service.name, [...service.aliases]);
  }
  // Service roots by path: a directory's service is its nearest ancestor that is a root.
  const rootAt = new Map<string, string>();
  for (const [name, list] of paths) for (const path of list) rootAt.set(path, name);
  const serviceOfDir = (dir: string): string | undefined => {
    for (let at = dir; ;) {
      const name = rootAt.get(at);
      if (name !== undefined) return name;
      if (at === '') return undefined;
      const slash = at.lastIndexOf('/');
      at = slash < 0 ? '' : at.slice(0, slash);
    }
  };
  const discovered = globMatcher(config.discover);
  for (const dir of [...dirs].sort()) {
    // Sorted, so a directory's ancestors are settled before it: services do not nest.
    if (dir === '' || !discovered(dir) || serviceOfDir(dir) !== undefined) continue;
    const name = dir.slice(dir.lastIndexOf('/') + 1);
    const list = paths.get(name);
    if (list) list.push(dir);
    else paths.set(name, [dir]);
    rootAt.set(dir, name);
  }
  for (const [name, extra] of Object.entries(config.aliases)) {
    aliases.set(name, [...(aliases.get(name) ?? []), ...extra]);
  }
  const roots = [...paths.entries()]
    .map(([name, list]) => ({ name, path: [...list].sort() }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { roots, serviceOfDir, aliases };
}

function normaliseDir(path: string): string {
  const trimmed = path.replace(/^\.\//, '').replace(/\/+$/, '');
  return trimmed === '.' ? '' : trimmed;
}
