import type { ManifestFacts } from '../manifests';
import type { FindingTable, PackedFindings } from '../resolve/findings';
import type { FileMeta } from '../resolve/program';
import type { DirListing } from './walk';

/** Bump when the layout of the cache's files changes. */
export const CACHE_FORMAT = 1;
export const INDEX_FILE = 'index.json';
export const FINDINGS_FILE = 'findings.json';

/** Where a file's facts are: segment number, byte offset, byte length. */
export type FactsRef = readonly [number, number, number];

/** A file as the last scan saw it. */
export interface CachedFile {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
  /** content hash */
  readonly hash: string;
  /** hash of its facts without positions: what other packages can observe of it */
  readonly fingerprint: string;
  readonly lines: number;
  readonly meta: FileMeta;
  readonly syntaxError?: { readonly line: number; readonly col: number };
  readonly facts: FactsRef;
}

/** What the last scan found in a package, and what that depended on. */
export interface CachedPackage {
  readonly fingerprint: string;
  readonly deps: readonly string[];
  /** packed against the analysis's `FindingTable` */
  readonly findings: PackedFindings;
}

export interface CachedAnalysis {
  /** the configuration, services, modules and manifests the findings were made with */
  readonly key: string;
  readonly manifests: ManifestFacts;
  readonly table: FindingTable;
  readonly packages: ReadonlyMap<string, CachedPackage>;
}

/** The cache cannot be read as written: it is rebuilt (and the scan says so). */
export class RpcmapCacheError extends Error {
  override readonly name = 'RpcmapCacheError';
}

/** What a scan leaves for the next one. */
export interface CacheState {
  readonly files: ReadonlyMap<string, CachedFile>;
  readonly dirs: ReadonlyMap<string, DirListing>;
  readonly extractKey: string;
  readonly walkKey: string;
  readonly started: number;
  readonly analysis: CachedAnalysis;
  /** the findings are those the cache already holds: no need to write them again */
  readonly findingsUnchanged: boolean;
}

/** The same file under a new stamp (a checkout or a touch that left its content as it was). */
export function withStamp(
  file: CachedFile,
  stamp: { readonly size: number; readonly mtimeMs: number; readonly ino: number },
): CachedFile {
  return { ...copyOf(file), size: stamp.size, mtimeMs: stamp.mtimeMs, ino: stamp.ino };
}

/** A plain copy (an indexed file's fields are getters, which spreading would not copy). */
export function copyOf(file: CachedFile): CachedFile {
  return {
    size: file.size,
    mtimeMs: file.mtimeMs,
    ino: file.ino,
    hash: file.hash,
    fingerprint: file.fingerprint,
    lines: file.lines,
    meta: file.meta,
    ...(file.syntaxError ? { syntaxError: file.syntaxError } : {}),
    facts: file.facts,
  };
}

export function withFacts(file: CachedFile, facts: FactsRef): CachedFile {
  return { ...copyOf(file), facts };
}
