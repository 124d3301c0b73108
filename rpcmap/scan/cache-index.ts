import { FACTS_VERSION } from '../extract/facts';
import { dirOf, type FileMeta } from '../resolve/program';
import { CACHE_FORMAT, type CachedFile, type CacheState, type FactsRef } from './cache-types';
import type { DirListing } from './walk';

/** Values per file in the index. */
const FILE_STRIDE = 16;
/** Values per directory listing in the index. */
const DIR_STRIDE = 5;

/**
 * The index: one flat array per kind of row (a compact form that parses fast), strings and
 * lists of strings (paths, names, imports) through tables.
 */
export interface IndexData {
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

export function readIndex(data: IndexData): {
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
export function indexData(
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
