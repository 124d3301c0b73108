import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FACTS_VERSION, type FileFacts } from '../extract/facts';
import type { WalkedFile } from './walk';

const CACHE_FILE = 'rpcmap-facts.json';

/** `[size, mtimeMs, inode, content hash]`: a file unchanged since the last scan keeps its hash. */
type FileStamp = readonly [number, number, number, string];

interface CacheData {
  readonly version: number;
  readonly files: Record<string, FileStamp>;
  readonly facts: Record<string, FileFacts>;
}

/**
 * Facts of earlier scans, keyed by content hash, in one file under `.ward/cache`. A file whose
 * size, mtime and inode are those recorded keeps its recorded hash without being read (as git's
 * index does); any other file is read and hashed, and parsed only if its hash is new.
 */
export class FactsCache {
  private constructor(
    private readonly dir: string | undefined,
    private readonly data: CacheData,
  ) {}

  /** Opens the cache in `dir`; a missing, unreadable or older cache is an empty one. */
  static open(dir: string | undefined): FactsCache {
    const empty: CacheData = { version: FACTS_VERSION, files: {}, facts: {} };
    if (dir === undefined) return new FactsCache(undefined, empty);
    try {
      const data = JSON.parse(readFileSync(join(dir, CACHE_FILE), 'utf8')) as CacheData;
      return new FactsCache(dir, data.version === FACTS_VERSION ? data : empty);
    } catch {
      // No cache yet, or one a crash cut short: start afresh (the cache is only ever a speed-up).
      return new FactsCache(dir, empty);
    }
  }

  /** How many files the cache describes. */
  get size(): number {
    return Object.keys(this.data.files).length;
  }

  /** The facts of a file whose stamp is unchanged. */
  lookup(file: WalkedFile): { hash: string; facts: FileFacts } | undefined {
    const stamp = this.data.files[file.path];
    if (stamp === undefined) return undefined;
    const [size, mtimeMs, ino, hash] = stamp;
    if (size !== file.size || mtimeMs !== file.mtimeMs || ino !== file.ino) return undefined;
    const facts = this.data.facts[hash];
    return facts ? { hash, facts } : undefined;
  }

  /**
   * Writes the cache for exactly the files of this scan. Failing to write (a read-only tree) is
   * reported to the caller, which warns and goes on.
   */
  save(files: readonly { file: WalkedFile; hash: string; facts: FileFacts }[]): void {
    if (this.dir === undefined) return;
    const data: {
      version: number;
      files: Record<string, FileStamp>;
      facts: Record<string, FileFacts>;
    } = { version: FACTS_VERSION, files: {}, facts: {} };
    for (const { file, hash, facts } of files) {
      data.files[file.path] = [file.size, file.mtimeMs, file.ino, hash];
      data.facts[hash] = facts;
    }
    mkdirSync(this.dir, { recursive: true });
    const target = join(this.dir, CACHE_FILE);
    const temporary = `${target}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(data));
    renameSync(temporary, target);
  }
}
