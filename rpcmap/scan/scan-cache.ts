import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { FACTS_VERSION, type FileFacts } from '../extract/facts';
import type { ScanWarning } from '../model';
import { readFindings } from './cache-findings';
import { readIndex, type IndexData } from './cache-index';
import {
  CACHE_FORMAT,
  FINDINGS_FILE,
  INDEX_FILE,
  RpcmapCacheError,
  type CachedAnalysis,
  type CachedFile,
  type FactsRef,
} from './cache-types';
import { CacheWriter } from './cache-writer';
import type { DirListing } from './walk';

/**
 * The scan's cache, in `<cacheDir>/rpcmap/`: an index of every file (stamp, content hash,
 * what its package needs to know of it, where its facts are) and of directory listings; facts
 * as JSON in append-only segment files, read by offset when a package is analysed; and each
 * package's findings with what they depended on. A rescan reads the index and the findings,
 * the facts of only the packages it analyses again, and adds one small segment.
 */
export class ScanCache {
  private readonly fds = new Map<number, number>();

  private constructor(
    private readonly dir: string | undefined,
    readonly files: ReadonlyMap<string, CachedFile>,
    readonly dirs: ReadonlyMap<string, DirListing>,
    private readonly segments: readonly string[],
    readonly extractKey: string | undefined,
    readonly walkKey: string | undefined,
    /** stamps from this time on may hide a change made in the same clock tick */
    readonly trustedBefore: number,
    private readonly index: IndexData | undefined,
  ) {}

  /** The cache's directory, if there is one. */
  get location(): string | undefined {
    return this.dir;
  }

  /** A cache that remembers nothing (no cache directory, or nothing usable in it). */
  static empty(dir: string | undefined): ScanCache {
    return new ScanCache(dir, new Map(), new Map(), [], undefined, undefined, 0, undefined);
  }

  /**
   * Opens the cache in `<dir>/rpcmap`. A missing cache, or one of another format, is empty;
   * one that cannot be read as written is empty too, with a warning.
   */
  static open(dir: string | undefined, warnings: ScanWarning[]): ScanCache {
    if (dir === undefined) return ScanCache.empty(undefined);
    const home = join(dir, 'rpcmap');
    let text: string;
    try {
      text = readFileSync(join(home, INDEX_FILE), 'utf8');
    } catch {
      return ScanCache.empty(home);
    }
    try {
      const data = JSON.parse(text) as IndexData;
      if (data.format !== CACHE_FORMAT || data.facts !== FACTS_VERSION) {
        return ScanCache.empty(home);
      }
      const { files, dirs } = readIndex(data);
      // A clock tick may be as coarse as two seconds (FAT, some network file systems).
      return new ScanCache(
        home,
        files,
        dirs,
        data.segments,
        data.extract,
        data.walk,
        data.started - 2000,
        data,
      );
    } catch (error) {
      warnings.push(corruptWarning(join(home, INDEX_FILE), error));
      return ScanCache.empty(home);
    }
  }

  /** The findings of the last scan, or undefined (none, or unreadable: then with a warning). */
  readAnalysis(warnings: ScanWarning[]): CachedAnalysis | undefined {
    if (this.dir === undefined || this.extractKey === undefined) return undefined;
    const file = join(this.dir, FINDINGS_FILE);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      return readFindings(text);
    } catch (error) {
      warnings.push(corruptWarning(file, error));
      return undefined;
    }
  }

  /** Reads a file's facts; a segment that is missing or does not hold them is corruption. */
  readFacts(path: string, ref: FactsRef): FileFacts {
    const [segment, offset, length] = ref;
    const name = this.segments[segment];
    try {
      if (this.dir === undefined || !name) throw new Error('no such segment');
      let fd = this.fds.get(segment);
      if (fd === undefined) {
        fd = openSync(join(this.dir, name), 'r');
        this.fds.set(segment, fd);
      }
      const buffer = Buffer.allocUnsafe(length);
      if (readSync(fd, buffer, 0, length, offset) !== length) throw new Error('cut short');
      const facts = JSON.parse(buffer.toString('utf8')) as FileFacts;
      if (facts.v !== FACTS_VERSION) throw new Error('facts of another version');
      return facts;
    } catch (error) {
      throw new RpcmapCacheError(
        `${join(this.dir ?? '', name || '?')}: cannot read the facts of ${path} (${(error as Error).message})`,
        { cause: error },
      );
    }
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
    this.fds.clear();
  }

  /**
   * Starts writing the next cache: new facts go to a new segment; files whose facts are
   * already in a segment keep their place. Nothing replaces the current cache until `commit`.
   */
  writer(): CacheWriter | undefined {
    if (this.dir === undefined) return undefined;
    return new CacheWriter(this.dir, this.segments, this.index);
  }
}

function corruptWarning(file: string, error: unknown): ScanWarning {
  return {
    file,
    message: `the cache is corrupt (${(error as Error).message}); rebuilt from the source`,
  };
}
