import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { FACTS_VERSION, type FileFacts } from '../extract/facts';
import type { ManifestFacts } from '../manifests';
import type { ScanWarning } from '../model';
import { FindingTable, type PackedFindings } from '../resolve/findings';
import { dirOf, type FileMeta } from '../resolve/program';
import type { DirListing } from './walk';

/** Bump when the layout of the files below changes. */
const CACHE_FORMAT = 1;
const INDEX = 'index.json';
const FINDINGS = 'findings.json';
/** Segments in use past which the live facts are copied into one. */
const MAX_SEGMENTS = 24;
/** Values per file in the index. */
const FILE_STRIDE = 16;
/** Values per directory listing in the index. */
const DIR_STRIDE = 5;

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

/**
 * The index: one flat array per kind of row (a compact form that parses fast), strings and
 * lists of strings (paths, names, imports) through tables.
 */
interface IndexData {
  readonly format: number;
  readonly facts: number;
  /** the module paths facts were extracted with */
  readonly extract: string;
  /** the configuration directory listings were made with */
  readonly walk: string;
  /** when the scan that wrote it started: stamps at or after it are not trusted */
  readonly started: number;
  readonly segments: string[];
  readonly strings: string[];
  /** lists of string numbers */
  readonly lists: number[][];
  /** per file: dir, name, size, mtimeMs, ino, hash, fingerprint, lines, package, mock (0 or
   * 1), syntax error line and column (0 for none), segment, offset, length, imports list */
  readonly files: (string | number)[];
  /** per directory: path, mtimeMs, ino, subdirectories list, files list */
  readonly dirs: number[];
}

interface FindingsData {
  readonly format: number;
  readonly key: string;
  readonly manifests: {
    env: [string, [string, string][]][];
    aliases: [string, string][];
    warnings: ScanWarning[];
  };
  readonly strings: string[];
  /** dir, fingerprint, deps, packed findings */
  readonly packages: [string, string, string[], PackedFindings][];
}

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
      text = readFileSync(join(home, INDEX), 'utf8');
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
      warnings.push(corruptWarning(join(home, INDEX), error));
      return ScanCache.empty(home);
    }
  }

  /** The findings of the last scan, or undefined (none, or unreadable: then with a warning). */
  readAnalysis(warnings: ScanWarning[]): CachedAnalysis | undefined {
    if (this.dir === undefined || this.extractKey === undefined) return undefined;
    const file = join(this.dir, FINDINGS);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      const data = JSON.parse(text) as FindingsData;
      if (data.format !== CACHE_FORMAT) return undefined;
      const { env, aliases, warnings: manifestWarnings } = data.manifests;
      const packages = new Map<string, CachedPackage>();
      for (const [dir, fingerprint, deps, findings] of data.packages) {
        if (typeof dir !== 'string' || !Array.isArray(findings)) throw new Error('a bad package');
        packages.set(dir, { fingerprint, deps, findings });
      }
      return {
        key: data.key,
        manifests: {
          env: new Map(env.map(([service, vars]) => [service, new Map(vars)])),
          aliases,
          warnings: manifestWarnings,
        },
        table: new FindingTable(data.strings),
        packages,
      };
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

/** Writes the next cache: facts as they come, then the index and the findings. */
export class CacheWriter {
  private fd: number | undefined;
  private readonly name = `facts-${Date.now().toString(36)}-${process.pid}.seg`;
  private offset = 0;
  private readonly segment: number;

  constructor(
    private readonly dir: string,
    private readonly segments: readonly string[],
    private readonly previous: IndexData | undefined,
  ) {
    this.segment = segments.length;
  }

  /** Appends facts (JSON text, `bytes` long in UTF-8) and says where they are. */
  append(text: string, bytes: number): FactsRef {
    if (this.fd === undefined) {
      mkdirSync(this.dir, { recursive: true });
      this.fd = openSync(join(this.dir, this.name), 'w');
    }
    writeSync(this.fd, text);
    const ref: FactsRef = [this.segment, this.offset, bytes];
    this.offset += bytes;
    return ref;
  }

  /**
   * Writes the findings (unless unchanged), then the index, each atomically (a crash leaves the
   * old one), then drops segments nothing refers to any more.
   */
  commit(cache: ScanCache, state: CacheState): void {
    if (this.fd !== undefined) {
      closeSync(this.fd);
      this.fd = undefined;
    }
    let files = state.files;
    let segments = this.offset > 0 ? [...this.segments, this.name] : [...this.segments];
    const used = new Set<number>();
    for (const file of files.values()) used.add(file.facts[0]);
    if (used.size > MAX_SEGMENTS || segments.length > 4 * MAX_SEGMENTS) {
      // After many small rescans: copy the live facts into one segment.
      ({ files, segments } = this.compact(cache, files));
      used.clear();
      used.add(0);
    }
    mkdirSync(this.dir, { recursive: true });
    if (!state.findingsUnchanged) {
      writeAtomically(join(this.dir, FINDINGS), JSON.stringify(findingsData(state)));
    }
    const index = indexData(
      state,
      files,
      segments.map((name, i) => (used.has(i) ? name : '')),
      this.previous,
    );
    writeAtomically(join(this.dir, INDEX), JSON.stringify(index));
    const live = new Set(index.segments);
    for (const name of readdirSync(this.dir)) {
      if (name.endsWith('.seg') && !live.has(name)) rmSync(join(this.dir, name), { force: true });
    }
  }

  /** Nothing will be committed: drop the segment begun. */
  abandon(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    rmSync(join(this.dir, this.name), { force: true });
  }

  private compact(
    cache: ScanCache,
    files: ReadonlyMap<string, CachedFile>,
  ): { files: Map<string, CachedFile>; segments: string[] } {
    const name = `facts-${Date.now().toString(36)}-${process.pid}-all.seg`;
    const fd = openSync(join(this.dir, name), 'w');
    const moved = new Map<string, CachedFile>();
    const current = new ScanCacheReader(this.dir, [...this.segments, this.name], cache);
    let offset = 0;
    try {
      for (const [path, file] of files) {
        const text = current.text(path, file.facts);
        const bytes = Buffer.byteLength(text);
        writeSync(fd, text);
        moved.set(path, withFacts(file, [0, offset, bytes]));
        offset += bytes;
      }
    } finally {
      closeSync(fd);
      current.close();
    }
    return { files: moved, segments: [name] };
  }
}

/** Reads facts' text from the segments being committed (for compaction). */
class ScanCacheReader {
  private readonly fds = new Map<number, number>();

  constructor(
    private readonly dir: string,
    private readonly segments: readonly string[],
    private readonly cache: ScanCache,
  ) {}

  text(path: string, [segment, offset, length]: FactsRef): string {
    const name = this.segments[segment];
    if (!name) return JSON.stringify(this.cache.readFacts(path, [segment, offset, length]));
    let fd = this.fds.get(segment);
    if (fd === undefined) {
      fd = openSync(join(this.dir, name), 'r');
      this.fds.set(segment, fd);
    }
    const buffer = Buffer.allocUnsafe(length);
    readSync(fd, buffer, 0, length, offset);
    return buffer.toString('utf8');
  }

  close(): void {
    for (const fd of this.fds.values()) closeSync(fd);
  }
}

function withFacts(file: CachedFile, facts: FactsRef): CachedFile {
  return { ...copyOf(file), facts };
}

/** The same file under a new stamp (a checkout or a touch that left its content as it was). */
export function withStamp(
  file: CachedFile,
  stamp: { readonly size: number; readonly mtimeMs: number; readonly ino: number },
): CachedFile {
  return { ...copyOf(file), size: stamp.size, mtimeMs: stamp.mtimeMs, ino: stamp.ino };
}

/** A plain copy (an indexed file's fields are getters, which spreading would not copy). */
function copyOf(file: CachedFile): CachedFile {
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

/** A file's row in the index, read when asked. */
class IndexedFile implements CachedFile {
  private cachedMeta: FileMeta | undefined;

  constructor(
    readonly rows: readonly (string | number)[],
    readonly at: number,
    private readonly path: string,
    private readonly tables: {
      readonly strings: readonly string[];
      readonly lists: readonly string[][];
    },
  ) {}

  private n(offset: number): number {
    return this.rows[this.at + offset] as number;
  }

  get size(): number {
    return this.n(2);
  }
  get mtimeMs(): number {
    return this.n(3);
  }
  get ino(): number {
    return this.n(4);
  }
  get hash(): string {
    return this.rows[this.at + 5] as string;
  }
  get fingerprint(): string {
    return this.rows[this.at + 6] as string;
  }
  get lines(): number {
    return this.n(7);
  }
  get meta(): FileMeta {
    this.cachedMeta ??= {
      path: this.path,
      pkg: this.tables.strings[this.n(8)] ?? '',
      imports: this.tables.lists[this.n(15)] ?? [],
      mock: this.n(9) === 1,
    };
    return this.cachedMeta;
  }
  get syntaxError(): { line: number; col: number } | undefined {
    const line = this.n(10);
    return line > 0 ? { line, col: this.n(11) } : undefined;
  }
  get facts(): FactsRef {
    return [this.n(12), this.n(13), this.n(14)];
  }
}

/** A directory's row in the index. */
class IndexedListing implements DirListing {
  constructor(
    readonly rows: readonly number[],
    readonly at: number,
    readonly dirs: readonly string[],
    readonly files: readonly string[],
  ) {}

  get mtimeMs(): number {
    return this.rows[this.at + 1] ?? 0;
  }
  get ino(): number {
    return this.rows[this.at + 2] ?? 0;
  }
}

function readIndex(data: IndexData): {
  files: Map<string, CachedFile>;
  dirs: Map<string, DirListing>;
} {
  const { strings, files: rows, dirs: dirRows } = data;
  const lists = data.lists.map((list) => list.map((id) => strings[id] ?? ''));
  const tables = { strings, lists };
  const files = new Map<string, CachedFile>();
  if (rows.length % FILE_STRIDE !== 0 || dirRows.length % DIR_STRIDE !== 0) {
    throw new Error('rows cut short');
  }
  for (let at = 0; at < rows.length; at += FILE_STRIDE) {
    const dir = strings[rows[at] as number];
    const name = strings[rows[at + 1] as number];
    if (dir === undefined || name === undefined || typeof rows[at + 5] !== 'string') {
      throw new Error('a malformed file entry');
    }
    const path = dir === '' ? name : `${dir}/${name}`;
    files.set(path, new IndexedFile(rows, at, path, tables));
  }
  const dirs = new Map<string, DirListing>();
  for (let at = 0; at < dirRows.length; at += DIR_STRIDE) {
    const path = strings[dirRows[at] as number];
    const subdirs = lists[dirRows[at + 3] as number];
    const names = lists[dirRows[at + 4] as number];
    if (path === undefined || subdirs === undefined || names === undefined) {
      throw new Error('a malformed directory entry');
    }
    dirs.set(path, new IndexedListing(dirRows, at, subdirs, names));
  }
  return { files, dirs };
}

/**
 * The next index. Its string and list tables start as the previous index's, so the rows of
 * files and directories that did not change are copied as they are.
 */
function indexData(
  state: CacheState,
  files: ReadonlyMap<string, CachedFile>,
  segments: string[],
  earlier: IndexData | undefined,
): IndexData {
  // Tables are carried over only while rows are (a rebuilt index starts them afresh).
  const previous = [...files.values()].some(
    (file) => file instanceof IndexedFile && file.rows === earlier?.files,
  )
    ? earlier
    : undefined;
  const strings = new Table<string>(previous?.strings ?? [], (value) => value);
  const lists = new Table<readonly number[]>(previous?.lists ?? [], (list) => list.join(','));
  const listOf = (values: readonly string[]) => lists.id(values.map((value) => strings.id(value)));
  const rows: (string | number)[] = [];
  for (const [path, file] of files) {
    if (previous && file instanceof IndexedFile && file.rows === previous.files) {
      for (let i = 0; i < FILE_STRIDE; i++) rows.push(file.rows[file.at + i] ?? 0);
      continue;
    }
    const dir = dirOf(path);
    const { meta, syntaxError, facts } = file;
    rows.push(
      strings.id(dir),
      strings.id(dir === '' ? path : path.slice(dir.length + 1)),
      file.size,
      file.mtimeMs,
      file.ino,
      file.hash,
      file.fingerprint,
      file.lines,
      strings.id(meta.pkg),
      meta.mock ? 1 : 0,
      syntaxError?.line ?? 0,
      syntaxError?.col ?? 0,
      facts[0],
      facts[1],
      facts[2],
      listOf(meta.imports),
    );
  }
  const dirs: number[] = [];
  for (const [path, listing] of state.dirs) {
    if (previous && listing instanceof IndexedListing && listing.rows === previous.dirs) {
      for (let i = 0; i < DIR_STRIDE; i++) dirs.push(listing.rows[listing.at + i] ?? 0);
      continue;
    }
    dirs.push(
      strings.id(path),
      listing.mtimeMs,
      listing.ino,
      listOf(listing.dirs),
      listOf(listing.files),
    );
  }
  return {
    format: CACHE_FORMAT,
    facts: FACTS_VERSION,
    extract: state.extractKey,
    walk: state.walkKey,
    started: state.started,
    segments,
    strings: strings.values,
    lists: lists.values.map((list) => [...list]),
    files: rows,
    dirs,
  };
}

function findingsData(state: CacheState): FindingsData {
  const { manifests, packages, table } = state.analysis;
  return {
    format: CACHE_FORMAT,
    key: state.analysis.key,
    manifests: {
      env: [...manifests.env].map(([service, vars]) => [service, [...vars]]),
      aliases: manifests.aliases.map(([name, service]) => [name, service]),
      warnings: [...manifests.warnings],
    },
    strings: table.strings,
    packages: [...packages].map(([dir, pkg]) => [
      dir,
      pkg.fingerprint,
      [...pkg.deps],
      pkg.findings,
    ]),
  };
}

/** Values numbered in the order first seen, after those of an earlier table. */
class Table<T> {
  readonly values: T[];
  private ids: Map<string, number> | undefined;

  constructor(
    earlier: readonly T[],
    private readonly keyOf: (value: T) => string,
  ) {
    this.values = [...earlier];
  }

  id(value: T): number {
    // The earlier values are looked up only once something new needs a number.
    this.ids ??= new Map(this.values.map((known, id) => [this.keyOf(known), id]));
    const key = this.keyOf(value);
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.ids.set(key, id);
    }
    return id;
  }
}

function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

function corruptWarning(file: string, error: unknown): ScanWarning {
  return {
    file,
    message: `the cache is corrupt (${(error as Error).message}); rebuilt from the source`,
  };
}
