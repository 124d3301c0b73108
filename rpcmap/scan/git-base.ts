import { execFileSync } from 'node:child_process';
import type { TreeInput } from '../analyse-tree';
import { globMatcher } from '../glob';
import { createGoParser } from '../extract/go-parser';
import type { SourceFile } from '../resolve/program';
import { factsOfText } from './file-analysis';
import { skipsFile } from './walk';

/** `--since` names no commit, or the root is not in a git work tree. */
export class RpcmapGitError extends Error {
  override readonly name = 'RpcmapGitError';
}

/**
 * The tree as it was at `ref`: the scanned files, with every Go file changed since then
 * replaced by its version at `ref` (or dropped, if it is new). Only changed files are parsed.
 */
export function treeAtRef(root: string, ref: string, current: TreeInput): TreeInput {
  const git = (args: string[]) =>
    execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  try {
    git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch (error) {
    throw new RpcmapGitError(`--since ${ref}: not a commit of the git repository at ${root}`, {
      cause: error,
    });
  }
  const split = (out: string) => out.split('\0').filter((path) => path !== '');
  const changed = split(git(['diff', '--name-only', '--relative', '-z', ref, '--']));
  const untracked = split(git(['ls-files', '--others', '--exclude-standard', '-z']));
  const files = new Map<string, SourceFile>(current.files.map((file) => [file.path, file]));
  for (const path of untracked) files.delete(path);
  const excluded = globMatcher(current.config.exclude);
  let parser: ReturnType<typeof createGoParser> | undefined;
  const modulePaths = [...new Set(current.modules.map((module) => module.path))].sort();
  for (const path of changed) {
    if (!path.endsWith('.go')) continue;
    const name = path.slice(path.lastIndexOf('/') + 1);
    const wasScanned = files.has(path);
    if (!wasScanned && skipsFile(name, path, current.config, excluded)) continue;
    let text: string | undefined;
    try {
      text = git(['show', `${ref}:./${path}`]);
    } catch {
      // The file did not exist at `ref`: it is new, so its calls are all new.
      text = undefined;
    }
    if (text === undefined) files.delete(path);
    else {
      parser ??= createGoParser();
      files.set(path, { path, facts: factsOfText(parser, text, { modulePaths }) });
    }
  }
  return { ...current, files: [...files.values()].sort((a, b) => (a.path < b.path ? -1 : 1)) };
}
