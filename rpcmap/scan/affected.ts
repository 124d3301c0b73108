import type { Program } from '../resolve/program';
import type { CachedPackage } from './cache-types';

/**
 * The packages a rescan must analyse again: those whose files changed, those whose imports now
 * name other packages of the tree (a package appeared or went away), and every package that
 * imports, directly or not, a package whose facts changed in a way other packages can observe
 * (its fingerprint: facts without positions). A package's findings depend only on its own facts
 * and those of the packages it reaches through imports, so the others keep theirs.
 */
export function affectedPackages(
  program: Program,
  previous: ReadonlyMap<string, CachedPackage>,
  changedDirs: ReadonlySet<string>,
  fingerprints: ReadonlyMap<string, string>,
): Set<string> {
  const affected = new Set<string>();
  const importers = new Map<string, string[]>();
  const spreading: string[] = [];
  for (const dir of program.dirs) {
    const meta = program.meta(dir);
    if (meta === undefined) continue;
    for (const dep of meta.deps) {
      const list = importers.get(dep);
      if (list) list.push(dir);
      else importers.set(dep, [dir]);
    }
    const before = previous.get(dir);
    if (before === undefined || changedDirs.has(dir) || !sameList(before.deps, meta.deps)) {
      affected.add(dir);
    }
    if (before === undefined || before.fingerprint !== fingerprints.get(dir)) spreading.push(dir);
  }
  // What a changed package's importers find may change, and so what their importers find.
  const reached = new Set(spreading);
  for (let dir = spreading.pop(); dir !== undefined; dir = spreading.pop()) {
    for (const importer of importers.get(dir) ?? []) {
      affected.add(importer);
      if (!reached.has(importer)) {
        reached.add(importer);
        spreading.push(importer);
      }
    }
  }
  return affected;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i]);
}
