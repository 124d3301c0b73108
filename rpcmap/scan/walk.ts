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
}

/** Folders that never hold a service's own code. */
const ALWAYS_SKIPPED = new Set(['node_modules', 'testdata']);

/**
 * Lists the Go files (and go.mod files) under `root` that the configuration includes. Unreadable
 * directories, broken links and symlink loops become warnings; the walk carries on.
 */
export function walkTree(root: string, config: RpcmapConfig): WalkedTree {
  const excluded = globMatcher(config.exclude);
  const goFiles: WalkedFile[] = [];
  const goMods: WalkedFile[] = [];
  const dirs: string[] = [];
  const warnings: ScanWarning[] = [];
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
    for (const entry of entries) {
      const name = entry.name;
      const path = rel === '' ? name : `${rel}/${name}`;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      let childReal = `${real}/${name}`;
      if (entry.isSymbolicLink()) {
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
      } else if (isFile && (name.endsWith('.go') || name === 'go.mod')) {
        if (name !== 'go.mod' && skipsFile(name, path, config, excluded)) continue;
        const walked = statFile(join(absolute, name), path, warnings);
        if (walked) (name === 'go.mod' ? goMods : goFiles).push(walked);
      }
    }
  }
  const byPath = (a: WalkedFile, b: WalkedFile) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return {
    goFiles: goFiles.sort(byPath),
    goMods: goMods.sort(byPath),
    dirs: dirs.sort(),
    warnings,
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
    return { path, absolute, size: info.size, mtimeMs: info.mtimeMs, ino: info.ino };
  } catch (error) {
    warnings.push({ file: path, message: `cannot read this file (${errorCode(error)}); skipped` });
    return undefined;
  }
}

export function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}
