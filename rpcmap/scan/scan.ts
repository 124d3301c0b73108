import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { readFleet, type TreeInput } from '../analyse-tree';
import { defaultConfig, parseConfig, RpcmapConfigError, type RpcmapConfig } from '../config';
import type { FileFacts } from '../extract/facts';
import { createGoParser, type GoParser } from '../extract/go-parser';
import type { ParsedManifest } from '../manifests';
import type { ScanResult, ScanWarning } from '../model';
import { analysePackages, ANALYSIS_VERSION } from '../resolve/analyse';
import { dirOf, Program } from '../resolve/program';
import { mapServices } from '../services';
import { affectedPackages } from './affected';
import { analyseFile, contentHash, type FileOutcome } from './file-analysis';
import { RpcmapCacheError, withStamp, type CachedFile } from './cache-types';
import { ScanCache } from './scan-cache';
import { errorCode, walkTree, type WalkedFile, type WalkedTree } from './walk';
import { WorkerPool } from './worker-pool';
import { readManifestFiles, readModules, shown } from './scan-inputs';
import { packageFindings, planReads } from './scan-phases';

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
  /** also return every file's facts, for a caller that analyses a variant (`check --since`) */
  readonly withInput?: boolean;
  readonly onProgress?: (done: number, total: number) => void;
}

export interface ScanStats {
  readonly files: number;
  readonly parsed: number;
  readonly cached: number;
  readonly lines: number;
  readonly bytes: number;
  readonly jobs: number;
  readonly packages: number;
  /** packages analysed by this scan (the others' findings came from the cache) */
  readonly analysed: number;
  /** milliseconds spent in each phase */
  readonly phases: Readonly<Record<'walk' | 'parse' | 'analyse' | 'snippets' | 'cache', number>>;
}

export interface ScanOutcome {
  readonly result: ScanResult;
  readonly stats: ScanStats;
  /** what was analysed (with `withInput`), so a caller can analyse a variant of it */
  readonly input?: TreeInput;
}

/** Facts not written to any cache. */
const NO_FACTS_REF = [-1, 0, 0] as const;

/**
 * Scans a tree of Go code: walks it (trusting directory listings and file stamps that have not
 * changed since the last scan), parses the files whose content is new on worker threads,
 * analyses the packages a change can reach (the others' findings come from the cache), fills
 * in evidence snippets, and writes what changed to the cache. A cache that cannot be read is
 * rebuilt, with a warning.
 */
export async function scan(options: ScanOptions): Promise<ScanOutcome> {
  const root = resolve(options.root);
  if (!statSync(root, { throwIfNoEntry: false })?.isDirectory()) {
    throw new RpcmapRootError(`${options.root}: no such directory to scan`);
  }
  const config = loadConfig(root, options.configFile);
  const cacheDir =
    options.cacheDir === false
      ? undefined
      : resolve(options.cacheDir ?? join(root, '.ward', 'cache'));
  const warnings: ScanWarning[] = [];
  const cache = ScanCache.open(cacheDir, warnings);
  try {
    return await scanTree(root, config, options, cache, warnings);
  } catch (error) {
    if (!(error instanceof RpcmapCacheError)) throw error;
    const rebuilt = ScanCache.empty(cacheDir === undefined ? undefined : join(cacheDir, 'rpcmap'));
    const warning: ScanWarning = {
      file: shown(root, cacheDir ?? ''),
      message: `the cache is corrupt (${error.message}); rebuilt from the source`,
    };
    return await scanTree(root, config, options, rebuilt, [...warnings, warning]);
  } finally {
    cache.close();
  }
}

async function scanTree(
  root: string,
  config: RpcmapConfig,
  options: ScanOptions,
  cache: ScanCache,
  earlier: readonly ScanWarning[],
): Promise<ScanOutcome> {
  const started = Date.now();
  let clock = performance.now();
  const lap = () => {
    const now = performance.now();
    const spent = now - clock;
    clock = now;
    return spent;
  };
  const warnings: ScanWarning[] = earlier.map((w) => ({ ...w, file: shown(root, w.file) }));
  const walkKey = contentHash(JSON.stringify(config));
  const writer = cache.writer();
  const memory =
    cache.walkKey === walkKey
      ? { listings: cache.dirs, trustedBefore: cache.trustedBefore }
      : undefined;
  const manifests = readManifestFiles(root, config.manifests, warnings);
  const jobs = Math.max(1, options.jobs ?? availableParallelism());
  const workersFrom = options.workersFrom ?? 400;
  // Without a cache every file found will be parsed: once the walk has found enough to need
  // workers, start them (they take a fraction of a second to load) and have the first parse
  // the manifests' YAML meanwhile.
  let pool: WorkerPool | undefined;
  let parsedManifests: Promise<readonly ParsedManifest[]> | undefined;
  const onGoFile =
    jobs > 1 && cache.files.size === 0
      ? (count: number) => {
          if (count < Math.max(1, workersFrom) || pool !== undefined) return;
          pool = new WorkerPool(jobs);
          if (manifests.length > 0) {
            parsedManifests = pool.parseManifests(manifests);
            // Awaited after the files; should parsing them fail first, not an unhandled rejection.
            parsedManifests.catch(() => undefined);
          }
        }
      : undefined;
  let walked: WalkedTree;
  try {
    walked = walkTree(root, config, { memory, record: writer !== undefined, onGoFile });
  } catch (error) {
    // Workers started during the walk would keep the process alive.
    await pool?.close();
    throw error;
  }
  warnings.push(...walked.warnings);
  const modules = readModules(walked.goMods, warnings);
  const modulePaths = [...new Set(modules.map((module) => module.path))].sort();
  const extractKey = JSON.stringify(modulePaths);
  // Facts depend on the module paths (calls into third-party packages are dropped).
  const reuse = cache.extractKey === extractKey;
  const walkMs = lap();

  const { entries, toRead, stamps } = planReads(walked.goFiles, config, cache, reuse, warnings);

  // Facts of the files parsed by this scan, decoded as they arrive: the main thread would
  // otherwise decode them all after the workers are done, with one core idle.
  const fresh = new Map<string, FileFacts>();
  const changedDirs = new Set<string>();
  let parsed = 0;
  let done = entries.size;
  const total = entries.size + toRead.length;
  const accept = (outcome: FileOutcome) => {
    options.onProgress?.(++done, total);
    const { path } = outcome;
    if ('skipped' in outcome) {
      warnings.push({ file: path, message: outcome.skipped });
      return;
    }
    const stamp = stamps.get(path);
    const known = cache.files.get(path);
    if (stamp === undefined) return;
    if ('unchanged' in outcome) {
      // The same content (a checkout, a touch, or a stamp too recent to trust): same facts.
      if (known) entries.set(path, sameStamp(known, stamp) ? known : withStamp(known, stamp));
      return;
    }
    parsed++;
    changedDirs.add(dirOf(path));
    const { facts } = outcome;
    fresh.set(path, JSON.parse(facts.text) as FileFacts);
    entries.set(path, {
      size: stamp.size,
      mtimeMs: stamp.mtimeMs,
      ino: stamp.ino,
      hash: outcome.hash,
      fingerprint: facts.fingerprint,
      lines: facts.lines,
      meta: { path, ...facts.meta },
      ...(facts.syntaxError ? { syntaxError: facts.syntaxError } : {}),
      facts: writer ? writer.append(facts.text, facts.bytes) : NO_FACTS_REF,
    });
  };
  const inProcess = toRead.length < workersFrom || jobs === 1;
  let manifestsParsed: readonly ParsedManifest[] | undefined;
  try {
    if (inProcess) {
      let parser: GoParser | undefined;
      const analyse = { modulePaths, forCache: writer !== undefined };
      for (const job of toRead) accept(analyseFile((parser ??= createGoParser()), job, analyse));
    } else {
      pool ??= new WorkerPool(Math.min(jobs, Math.ceil(toRead.length / 48)));
      const run = { mode: 'facts' as const, modulePaths, forCache: writer !== undefined };
      await pool.run(toRead, run, accept);
    }
    // The manifests' YAML, if a worker parses it, must be in before the workers stop.
    manifestsParsed = await parsedManifests;
  } finally {
    await pool?.close();
  }
  if (reuse) {
    for (const path of cache.files.keys()) if (!entries.has(path)) changedDirs.add(dirOf(path));
  }
  const parseMs = lap();

  const files: [string, CachedFile][] = [];
  let lines = 0;
  let bytes = 0;
  for (const file of walked.goFiles) {
    const entry = entries.get(file.path);
    if (entry === undefined) continue;
    files.push([file.path, entry]);
    lines += entry.lines;
    bytes += entry.size;
    if (entry.syntaxError) {
      warnings.push({
        file: file.path,
        line: entry.syntaxError.line,
        column: entry.syntaxError.col,
        message: 'does not parse cleanly; analysed what the parser recovered',
      });
    }
  }
  const loadFacts = (path: string): FileFacts => {
    const facts = fresh.get(path);
    if (facts !== undefined) return facts;
    const entry = entries.get(path);
    if (entry === undefined) throw new RpcmapCacheError(`no facts for ${path}`);
    return cache.readFacts(path, entry.facts);
  };

  const services = mapServices(config, walked.dirs);
  const analysisKey = contentHash(
    JSON.stringify([
      ANALYSIS_VERSION,
      config,
      services.roots,
      [...services.aliases],
      modules,
      manifests.map((manifest) => [manifest.path, contentHash(manifest.text)]),
    ]),
  );
  const previous = reuse ? cache.readAnalysis(warnings) : undefined;
  const sameFleet = previous?.key === analysisKey;
  const fleet = readFleet(
    services,
    previous && sameFleet ? previous.manifests : (manifestsParsed ?? manifests),
  );
  const included = config.include.mocks ? files : files.filter(([, file]) => !file.meta.mock);
  const program = new Program(
    included.map(([, file]) => file.meta),
    modules,
    fleet.serviceOfDir,
    loadFacts,
  );
  // A package's fingerprint changes only when one of its files' does.
  const fingerprints = new Map<string, string>();
  const fileFingerprints = new Map(included.map(([path, file]) => [path, file.fingerprint]));
  const reusable = previous && sameFleet ? previous : undefined;
  for (const dir of program.dirs) {
    const known = changedDirs.has(dir) ? undefined : reusable?.packages.get(dir)?.fingerprint;
    if (known !== undefined) {
      fingerprints.set(dir, known);
      continue;
    }
    const meta = program.meta(dir);
    const joined = meta?.files.map((path) => fileFingerprints.get(path) ?? '').join(',') ?? '';
    fingerprints.set(dir, contentHash(joined));
  }
  const affected = reusable
    ? affectedPackages(program, reusable.packages, changedDirs, fingerprints)
    : new Set(program.dirs);
  const found = analysePackages(program, affected, fleet.context);
  const analyseMs = lap();

  const { table, packages, findings, findingsUnchanged } = packageFindings(
    program,
    found,
    reusable,
    fingerprints,
    (path) => readFileSync(join(root, path), 'utf8'),
  );
  const snippetsMs = lap();

  const input: TreeInput | undefined = options.withInput
    ? {
        config,
        files: files.map(([path]) => ({ path, facts: loadFacts(path) })),
        dirs: walked.dirs,
        modules,
        manifests,
      }
    : undefined;
  if (writer) {
    // Write only what a next scan would find different: nothing, after a scan that changed
    // nothing (the index's time then stays the one of the scan that last wrote it).
    const changed =
      cache.extractKey !== extractKey ||
      cache.walkKey !== walkKey ||
      !findingsUnchanged ||
      entries.size !== cache.files.size ||
      [...entries].some(([path, entry]) => cache.files.get(path) !== entry) ||
      walked.listings.size !== cache.dirs.size ||
      [...walked.listings].some(([dir, listing]) => cache.dirs.get(dir) !== listing);
    try {
      if (changed) {
        writer.commit(cache, {
          files: new Map(files),
          dirs: walked.listings,
          extractKey,
          walkKey,
          started,
          analysis: { key: analysisKey, manifests: fleet.manifests, table, packages },
          findingsUnchanged,
        });
      } else writer.abandon();
    } catch (error) {
      warnings.push({
        file: shown(root, cache.location ?? ''),
        message: `cannot write the cache (${errorCode(error)})`,
      });
    }
  }
  const result: ScanResult = {
    services: fleet.roots,
    ...findings.result(),
    warnings: sortWarnings([...warnings, ...fleet.manifests.warnings]),
  };
  return {
    result,
    stats: {
      files: files.length,
      parsed,
      cached: files.length - parsed,
      lines,
      bytes,
      jobs: inProcess ? 1 : jobs,
      packages: packages.size,
      analysed: affected.size,
      phases: {
        walk: walkMs,
        parse: parseMs,
        analyse: analyseMs,
        snippets: snippetsMs,
        cache: lap(),
      },
    },
    ...(input ? { input } : {}),
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

function sameStamp(a: CachedFile, b: WalkedFile): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;
}

function sortWarnings(warnings: ScanWarning[]): ScanWarning[] {
  return warnings.sort(
    (a, b) =>
      compare(a.file, b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      compare(a.message, b.message),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
