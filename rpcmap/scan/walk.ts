import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import type { RpcmapConfig } from '../config';
import { globMatcher } from '../glob';
import type { ScanWarning } from '../model';

export interface WalkedFile {
  /** relative to the root, `/`-separated */
  readonly path: string;
  readonly absolute: string;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
}

export interface WalkedTree {
  readonly goFiles: readonly WalkedFile[];
  readonly goMods: readonly WalkedFile[];
  readonly dirs: readonly string[];
  readonly warnings: readonly ScanWarning[];
  /** listings of the directories walked that can be trusted next time (no symlinks in them) */
  readonly listings: ReadonlyMap<string, DirListing>;
}

/** What a directory held for the walk: its subdirectories and Go files, as the config sees them. */
export interface DirListing {
  readonly mtimeMs: number;
  readonly ino: number;
  readonly dirs: readonly string[];
  /** `.go` files the configuration includes, and `go.mod` */
  readonly files: readonly string[];
}

export interface WalkMemory {
  /** listings of an earlier walk with the same configuration */
  readonly listings: ReadonlyMap<string, DirListing>;
  /** a directory changed at or after this time may have changed again unseen */
  readonly trustedBefore: number;
}

/** Folders that never hold a service's own code. */
const ALWAYS_SKIPPED = new Set(['node_modules', 'testdata']);

/**
 * Lists the Go files (and go.mod files) under `root` that the configuration includes. Unreadable
 * directories, broken links and symlink loops become warnings; the walk carries on. With
 * `memory`, a directory whose mtime is the one recorded (and old enough to trust) is not read
 * again: its entries are the recorded ones, since adding, removing or renaming an entry
 * changes a directory's mtime. Its files are still stat-ed, as their content may have changed.
 * With `record`, the listings of this walk are returned for the next one.
 */
export function walkTree(
  root: string,
  config: RpcmapConfig,
  options: {
    readonly memory?: WalkMemory | undefined;
    readonly record?: boolean;
    /** told how many Go files the walk has found, after each (to start work early) */
    readonly onGoFile?: ((count: number) => void) | undefined;
  } = {},
): WalkedTree {
  const { memory, record = false, onGoFile } = options;
  const excluded = globMatcher(config.exclude);
  const goFiles: WalkedFile[] = [];
  const goMods: WalkedFile[] = [];
  const dirs: string[] = [];
  const warnings: ScanWarning[] = [];
  const listings = new Map<string, DirListing>();
  // Real paths of the directories walked: a symlink to one of them (a loop, or a second way
  // in) is skipped. Only symlinks need a realpath call; a plain directory's real path is its
  // parent's plus its name.
  const visited = new Set<string>();
  const pending: { rel: string; real: string }[] = [];
  try {
    pending.push({ rel: '', real: realpathSync(root) });
  } catch (error) {
    warnings.push({ file: '.', message: `cannot read the root (${errorCode(error)})` });
  }
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { rel, real } = next;
    const absolute = rel === '' ? root : join(root, rel);
    let entries: Dirent[];
    if (visited.has(real)) {
      warnings.push({
        file: rel,
        message: 'a symlink loop or a second link to a directory already scanned; skipped',
      });
      continue;
    }
    visited.add(real);
    const info = memory || record ? statSync(absolute, { throwIfNoEntry: false }) : undefined;
    const known = memory?.listings.get(rel);
    if (
      info !== undefined &&
      known !== undefined &&
      info.mtimeMs === known.mtimeMs &&
      info.ino === known.ino &&
      info.mtimeMs < (memory?.trustedBefore ?? 0)
    ) {
      dirs.push(rel);
      listings.set(rel, known);
      for (const name of known.dirs) {
        pending.push({ rel: rel === '' ? name : `${rel}/${name}`, real: `${real}/${name}` });
      }
      for (const name of known.files) {
        const path = rel === '' ? name : `${rel}/${name}`;
        const walked = statFile(`${absolute}/${name}`, path, warnings);
        if (walked === undefined) continue;
        if (name === 'go.mod') goMods.push(walked);
        else {
          // Not `onGoFile?.(goFiles.push(walked))`: without a callback that would not push.
          const count = goFiles.push(walked);
          onGoFile?.(count);
        }
      }
      continue;
    }
    try {
      entries = readdirSync(absolute, { withFileTypes: true });
    } catch (error) {
      warnings.push({
        file: rel || '.',
        message: `cannot read this directory (${errorCode(error)}); skipped`,
      });
      continue;
    }
    dirs.push(rel);
    const listing = { dirs: [] as string[], files: [] as string[], trusted: info !== undefined };
    for (const entry of entries) {
      const name = entry.name;
      const path = rel === '' ? name : `${rel}/${name}`;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let childReal = `${real}/${name}`;
      if (entry.isSymbolicLink()) {
        // What a link points to can change without its directory changing.
        listing.trusted = false;
        try {
          const target = statSync(join(absolute, name));
          isDir = target.isDirectory();
          isFile = target.isFile();
          if (isDir) childReal = realpathSync(join(absolute, name));
        } catch (error) {
          warnings.push({
            file: path,
            message: `a broken symbolic link (${errorCode(error)}); skipped`,
          });
          continue;
        }
      }
      if (isDir) {
        if (skipsDirectory(name, path, config, excluded)) continue;
        pending.push({ rel: path, real: childReal });
        listing.dirs.push(name);
      } else if (isFile && (name.endsWith('.go') || name === 'go.mod')) {
        if (name !== 'go.mod' && skipsFile(name, path, config, excluded)) continue;
        listing.files.push(name);
        const walked = statFile(join(absolute, name), path, warnings);
        if (walked === undefined) continue;
        if (name === 'go.mod') goMods.push(walked);
        else {
          // Not `onGoFile?.(goFiles.push(walked))`: without a callback that would not push.
          const count = goFiles.push(walked);
          onGoFile?.(count);
        }
      }
    }
    if (record && info !== undefined && listing.trusted) {
      listings.set(rel, {
        mtimeMs: info.mtimeMs,
        ino: info.ino,
        dirs: listing.dirs,
        files: listing.files,
      });
    }
  }
  const byPath = (a: WalkedFile, b: WalkedFile) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return {
    goFiles: goFiles.sort(byPath),
    goMods: goMods.sort(byPath),
    dirs: dirs.sort(),
    warnings,
    listings,
  };
}

function skipsDirectory(
  name: string,
  path: string,
  config: RpcmapConfig,
  excluded: (path: string) => boolean,
): boolean {
  if (name.startsWith('.') || ALWAYS_SKIPPED.has(name)) return true;
  if (name === 'vendor' && !config.include.vendor) return true;
  if ((name === 'mocks' || name === 'mock') && !config.include.mocks) return true;
  return excluded(path) || excluded(`${path}/`);
}

/** Whether a `.go` file is left out: tests, mocks by name, and excluded paths. */
export function skipsFile(
  name: string,
  path: string,
  config: RpcmapConfig,
  excluded: (path: string) => boolean,
): boolean {
  if (name.endsWith('_test.go') && !config.include.tests) return true;
  if (!config.include.mocks && (name.startsWith('mock_') || /_mocks?\.go$/.test(name))) return true;
  return excluded(path);
}

function statFile(absolute: string, path: string, warnings: ScanWarning[]): WalkedFile | undefined {
  try {
    const info = statSync(absolute);
    if (!info.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOTFILE' });
    return { path, absolute, size: info.size, mtimeMs: info.mtimeMs, ino: info.ino };
  } catch (error) {
    warnings.push({ file: path, message: `cannot read this file (${errorCode(error)}); skipped` });
    return undefined;
  }
}

export function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}
