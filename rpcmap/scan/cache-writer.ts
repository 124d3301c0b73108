import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { findingsData } from './cache-findings';
import { indexData, type IndexData } from './cache-index';
import {
  FINDINGS_FILE,
  INDEX_FILE,
  withFacts,
  type CachedFile,
  type CacheState,
  type FactsRef,
} from './cache-types';
import type { ScanCache } from './scan-cache';

/** Segments in use past which the live facts are copied into one. */
const MAX_SEGMENTS = 24;

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
      writeAtomically(join(this.dir, FINDINGS_FILE), JSON.stringify(findingsData(state)));
    }
    const index = indexData(
      state,
      files,
      segments.map((name, i) => (used.has(i) ? name : '')),
      this.previous,
    );
    writeAtomically(join(this.dir, INDEX_FILE), JSON.stringify(index));
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

function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}
