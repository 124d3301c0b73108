import type { ScanWarning } from '../model';
import { FindingTable, type PackedFindings } from '../resolve/findings';
import {
  CACHE_FORMAT,
  type CachedAnalysis,
  type CachedPackage,
  type CacheState,
} from './cache-types';

/** The findings file: each package's findings with what they depended on. */
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
 * The findings file's text as the analysis it holds; undefined for one of another format.
 * Throws when it is not what was written.
 */
export function readFindings(text: string): CachedAnalysis | undefined {
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
}

export function findingsData(state: CacheState): FindingsData {
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
