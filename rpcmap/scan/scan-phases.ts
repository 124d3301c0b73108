import type { RpcmapConfig } from '../config';
import type { ScanWarning } from '../model';
import type { analysePackages } from '../resolve/analyse';
import { FindingSet, FindingTable } from '../resolve/findings';
import type { Program } from '../resolve/program';
import { RpcmapCacheError, type CachedFile, type CachedPackage } from './cache-types';
import type { FileJob } from './file-analysis';
import type { ScanCache } from './scan-cache';
import { withSnippets } from './snippets';
import type { WalkedFile } from './walk';

/** Steps of a scan that decide what the cache saves it: which files to read, which findings to keep. */

/**
 * Which files this scan must read: those whose stamp (size, mtime, inode) changed, or is too
 * recent to trust, since the scan that cached them; the others keep their cached entry.
 */
export function planReads(
  goFiles: readonly WalkedFile[],
  config: RpcmapConfig,
  cache: ScanCache,
  reuse: boolean,
  warnings: ScanWarning[],
) {
  const entries = new Map<string, CachedFile>();
  const toRead: FileJob[] = [];
  const stamps = new Map<string, WalkedFile>();
  for (const file of goFiles) {
    if (file.size > config.maxFileBytes) {
      warnings.push({
        file: file.path,
        message: `larger than ${config.maxFileBytes} bytes (${file.size}); skipped`,
      });
      continue;
    }
    const known = reuse ? cache.files.get(file.path) : undefined;
    if (
      known !== undefined &&
      known.size === file.size &&
      known.mtimeMs === file.mtimeMs &&
      known.ino === file.ino &&
      known.mtimeMs < cache.trustedBefore
    ) {
      entries.set(file.path, known);
      continue;
    }
    stamps.set(file.path, file);
    const job = { absolute: file.absolute, path: file.path };
    toRead.push(known ? { ...job, known: known.hash } : job);
  }
  return { entries, toRead, stamps };
}

/**
 * Every package's findings, with their evidence snippets, packed into the finding table:
 * freshly analysed ones where the analysis ran, the cached ones elsewhere. Findings that come
 * out the same as the cached ones are kept as they were, so an unchanged cache is not written.
 */
export function packageFindings(
  program: Program,
  found: ReturnType<typeof analysePackages>,
  reusable: { table: FindingTable; packages: ReadonlyMap<string, CachedPackage> } | undefined,
  fingerprints: ReadonlyMap<string, string>,
  read: (path: string) => string,
) {
  const table = reusable?.table ?? new FindingTable();
  const packages = new Map<string, CachedPackage>();
  const snippetLines = new Map<string, readonly string[] | undefined>();
  const findings = new FindingSet();
  let findingsUnchanged = reusable !== undefined;
  for (const dir of program.dirs) {
    const analysed = found.get(dir);
    const before = reusable?.packages.get(dir);
    let pkg: CachedPackage | undefined = before;
    if (analysed) {
      const packed = table.pack(withSnippets(analysed, read, snippetLines));
      const deps = program.meta(dir)?.deps ?? [];
      const fingerprint = fingerprints.get(dir) ?? '';
      const same =
        before !== undefined &&
        before.fingerprint === fingerprint &&
        sameValues(before.deps, deps) &&
        sameValues(before.findings, packed);
      if (!same) {
        pkg = { fingerprint, deps, findings: packed };
        findingsUnchanged = false;
      }
    }
    if (pkg === undefined) throw new RpcmapCacheError(`no findings for package ${dir}`);
    packages.set(dir, pkg);
    findings.addPacked(pkg.findings, table);
  }
  if (reusable && reusable.packages.size !== packages.size) findingsUnchanged = false;
  return { table, packages, findings, findingsUnchanged };
}

function sameValues<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
