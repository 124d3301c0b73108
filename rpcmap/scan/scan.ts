import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { analyseTree, goModulePath, type TreeInput } from '../analyse-tree';
import { defaultConfig, parseConfig, RpcmapConfigError, type RpcmapConfig } from '../config';
import type { FileFacts } from '../extract/facts';
import { createGoParser } from '../extract/go-parser';
import type { ManifestText } from '../manifests';
import type { ScanResult, ScanWarning } from '../model';
import type { GoModule, SourceFile } from '../resolve/program';
import { FactsCache } from './cache';
import { analyseFile, type FileOutcome } from './file-analysis';
import { fillSnippets } from './snippets';
import { errorCode, walkTree, type WalkedFile } from './walk';
import { analyseInWorkers } from './worker-pool';

/** The root to scan is missing or not a directory. */
export class RpcmapRootError extends Error {
  override readonly name = 'RpcmapRootError';
}

export interface ScanOptions {
  readonly root: string;
  /** rpcmap.yaml to use; by default `<root>/rpcmap.yaml` when there is one */
  readonly configFile?: string;
  /** where facts are cached; false for no cache; by default `<root>/.ward/cache` */
  readonly cacheDir?: string | false;
  /** worker threads; by default one per core */
  readonly jobs?: number;
  /** fewer files to parse than this are parsed on the calling thread (workers take time to start) */
  readonly workersFrom?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ScanStats {
  readonly files: number;
  readonly parsed: number;
  readonly cached: number;
  readonly lines: number;
  readonly bytes: number;
  readonly jobs: number;
  /** milliseconds spent in each phase */
  readonly phases: Readonly<Record<'walk' | 'parse' | 'cache' | 'analyse' | 'snippets', number>>;
}

export interface ScanOutcome {
  readonly result: ScanResult;
  readonly stats: ScanStats;
  /** what was analysed, so a caller can analyse a variant of it (`check --since`) */
  readonly input: TreeInput;
}

/**
 * Scans a tree of Go code: walks it, takes unchanged files' facts from the cache, parses the
 * rest on worker threads, then analyses everything at once and fills in the evidence snippets.
 */
export async function scan(options: ScanOptions): Promise<ScanOutcome> {
  const root = resolve(options.root);
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
    throw new RpcmapRootError(`${options.root}: no such directory to scan`);
  }
  const config = loadConfig(root, options.configFile);
  let clock = performance.now();
  const lap = () => {
    const now = performance.now();
    const spent = now - clock;
    clock = now;
    return spent;
  };
  const walked = walkTree(root, config);
  const warnings: ScanWarning[] = [...walked.warnings];
  const cacheDir =
    options.cacheDir === false ? undefined : (options.cacheDir ?? join(root, '.ward', 'cache'));
  const cache = FactsCache.open(cacheDir);
  const walkMs = lap();
  const known = new Map<string, { file: WalkedFile; hash: string; facts: FileFacts }>();
  const toParse: WalkedFile[] = [];
  for (const file of walked.goFiles) {
    if (file.size > config.maxFileBytes) {
      warnings.push({
        file: file.path,
        message: `larger than ${config.maxFileBytes} bytes (${file.size}); skipped`,
      });
      continue;
    }
    const hit = cache.lookup(file);
    if (hit) known.set(file.path, { file, ...hit });
    else toParse.push(file);
  }
  const byPath = new Map(toParse.map((file) => [file.path, file]));
  let done = known.size;
  const total = known.size + toParse.length;
  const accept = (outcome: FileOutcome) => {
    done++;
    options.onProgress?.(done, total);
    if ('skipped' in outcome) warnings.push({ file: outcome.path, message: outcome.skipped });
    else {
      const file = byPath.get(outcome.path);
      if (file) known.set(outcome.path, { file, hash: outcome.hash, facts: outcome.facts });
    }
  };
  const jobs = Math.max(1, options.jobs ?? availableParallelism());
  const inProcess = toParse.length < (options.workersFrom ?? 400) || jobs === 1;
  if (inProcess) {
    const parser = toParse.length > 0 ? createGoParser() : undefined;
    for (const file of toParse) if (parser) accept(analyseFile(parser, file.absolute, file.path));
  } else {
    await analyseInWorkers(toParse, jobs, accept);
  }
  const parseMs = lap();
  const entries = [...known.values()].sort((a, b) => (a.file.path < b.file.path ? -1 : 1));
  try {
    // An unchanged tree leaves the cache as it is.
    if (toParse.length > 0 || entries.length !== cache.size) cache.save(entries);
  } catch (error) {
    warnings.push({
      file: cacheDir ?? '',
      message: `cannot write the cache (${errorCode(error)})`,
    });
  }
  const cacheMs = lap();
  const files: SourceFile[] = [];
  let lines = 0;
  let bytes = 0;
  for (const { file, facts } of entries) {
    files.push({ path: file.path, facts });
    lines += facts.lines;
    bytes += file.size;
    if (facts.syntaxError) {
      warnings.push({
        file: file.path,
        line: facts.syntaxError.line,
        column: facts.syntaxError.col,
        message: 'does not parse cleanly; analysed what the parser recovered',
      });
    }
  }
  const input: TreeInput = {
    config,
    files,
    dirs: walked.dirs,
    modules: readModules(walked.goMods, warnings),
    manifests: readManifestFiles(root, config.manifests, warnings),
  };
  const analysed = analyseTree(input);
  const analyseMs = lap();
  const result = fillSnippets(
    { ...analysed, warnings: sortWarnings([...warnings, ...analysed.warnings]) },
    (path) => readFileSync(join(root, path), 'utf8'),
  );
  return {
    result,
    stats: {
      files: entries.length,
      parsed: toParse.length,
      cached: total - toParse.length,
      lines,
      bytes,
      jobs: inProcess ? 1 : jobs,
      phases: { walk: walkMs, parse: parseMs, cache: cacheMs, analyse: analyseMs, snippets: lap() },
    },
    input,
  };
}

/** Reads rpcmap.yaml: the given file, else `<root>/rpcmap.yaml`, else the defaults. */
export function loadConfig(root: string, configFile?: string): RpcmapConfig {
  const file = configFile ?? join(root, 'rpcmap.yaml');
  if (configFile === undefined && !existsSync(file)) return defaultConfig();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new RpcmapConfigError(`${file}: cannot read the configuration (${errorCode(error)})`, {
      cause: error,
    });
  }
  return parseConfig(text, configFile ?? 'rpcmap.yaml');
}

function readModules(goMods: readonly WalkedFile[], warnings: ScanWarning[]): GoModule[] {
  const modules: GoModule[] = [];
  for (const goMod of goMods) {
    try {
      const path = goModulePath(readFileSync(goMod.absolute, 'utf8'));
      const dir = goMod.path.includes('/') ? goMod.path.slice(0, goMod.path.lastIndexOf('/')) : '';
      if (path) modules.push({ path, dir });
      else warnings.push({ file: goMod.path, message: 'declares no module path; ignored' });
    } catch (error) {
      warnings.push({ file: goMod.path, message: `cannot read this file (${errorCode(error)})` });
    }
  }
  return modules;
}

function readManifestFiles(
  root: string,
  entries: readonly string[],
  warnings: ScanWarning[],
): ManifestText[] {
  const found: string[] = [];
  const visit = (absolute: string) => {
    const info = statSync(absolute, { throwIfNoEntry: false });
    if (info?.isDirectory()) {
      for (const entry of readdirSync(absolute, { recursive: true, withFileTypes: true })) {
        if (entry.isFile() && /\.ya?ml$/.test(entry.name))
          found.push(join(entry.parentPath, entry.name));
      }
    } else if (info?.isFile()) found.push(absolute);
    else
      warnings.push({
        file: relative(root, absolute),
        message: 'no such manifest file or directory',
      });
  };
  for (const entry of entries) visit(resolve(root, entry));
  const manifests: ManifestText[] = [];
  for (const absolute of found.sort()) {
    const path = relative(root, absolute).split(sep).join('/');
    try {
      manifests.push({ path, text: readFileSync(absolute, 'utf8') });
    } catch (error) {
      warnings.push({ file: path, message: `cannot read this manifest (${errorCode(error)})` });
    }
  }
  return manifests;
}

function sortWarnings(warnings: ScanWarning[]): ScanWarning[] {
  return warnings.sort((a, b) =>
    a.file !== b.file ? (a.file < b.file ? -1 : 1) : (a.line ?? 0) - (b.line ?? 0),
  );
}
