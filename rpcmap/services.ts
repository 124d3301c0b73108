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
  const owned = (dir: string) =>
    [...paths.values()].some((list) => list.some((path) => isWithin(dir, path)));
  const discovered = globMatcher(config.discover);
  for (const dir of [...dirs].sort()) {
    if (dir === '' || !discovered(dir) || owned(dir)) continue;
    const name = dir.slice(dir.lastIndexOf('/') + 1);
    const list = paths.get(name);
    if (list) list.push(dir);
    else paths.set(name, [dir]);
  }
  for (const [name, extra] of Object.entries(config.aliases)) {
    aliases.set(name, [...(aliases.get(name) ?? []), ...extra]);
  }
  const byLength = [...paths.entries()]
    .flatMap(([name, list]) => list.map((path) => ({ name, path })))
    .sort((a, b) => b.path.length - a.path.length);
  const cache = new Map<string, string | undefined>();
  const serviceOfDir = (dir: string): string | undefined => {
    if (cache.has(dir)) return cache.get(dir);
    const found = byLength.find((entry) => isWithin(dir, entry.path))?.name;
    cache.set(dir, found);
    return found;
  };
  const roots = [...paths.entries()]
    .map(([name, list]) => ({ name, path: [...list].sort() }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { roots, serviceOfDir, aliases };
}

function normaliseDir(path: string): string {
  const trimmed = path.replace(/^\.\//, '').replace(/\/+$/, '');
  return trimmed === '.' ? '' : trimmed;
}

function isWithin(dir: string, root: string): boolean {
  return root === '' || dir === root || dir.startsWith(`${root}/`);
}
