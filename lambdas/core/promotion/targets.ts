import { sha256Hex } from '../canonical-json';
import { MANIFEST_PATH } from '../compile/bundle';
import {
  mayEnterStage,
  type AdmissionRefusal,
  type BundleRef,
  type StageResult,
} from './admission';
import type { StageName } from './stages';

/**
 * The port every promotion target implements (WAFv2, DNS Firewall, S3 manifests): apply the
 * part of a compiled bundle the target owns to one stage, and read back what the stage holds
 * as file hashes comparable with the bundle's, for verification after applying and for drift.
 */

/** A bundle as a target receives it: its identity and every file by path (`bundle.json` too). */
export interface TargetBundle {
  readonly ref: BundleRef;
  readonly files: ReadonlyMap<string, string>;
}

export interface ApplyRequest {
  readonly stage: StageName;
  readonly bundle: TargetBundle;
  /** Every recorded stage result for this bundle's version: the target checks admission itself. */
  readonly results: readonly StageResult[];
}

export interface AppliedPart {
  readonly target: string;
  readonly stage: StageName;
  readonly bundle: BundleRef;
  /** The bundle files this target applied, in path order. */
  readonly paths: readonly string[];
  /** AWS calls made, for the per-stage figures the bench prints. */
  readonly calls: number;
}

export interface PromotionTarget {
  /** Short and stable, e.g. `wafv2`: it names the target in stage records and events. */
  readonly name: string;
  /** The bundle paths this target is responsible for, e.g. `waf/`. */
  readonly ownedPrefixes: readonly string[];
  /** Applies the owned files to `stage`; refuses (`StageAdmissionError`) a bundle not admitted. */
  apply(request: ApplyRequest): Promise<AppliedPart>;
  /**
   * SHA-256 by bundle path of what `stage` holds now for the files `expected` names, computed
   * over the same bytes the bundle holds when the stage matches it; a file the stage lacks is
   * absent. `expected` is the bundle the stage recorded: what AWS does not store (Ward's own
   * capacity figures, which services a rule group serves) is taken from it.
   */
  readBack(stage: StageName, expected: TargetBundle): Promise<Record<string, string>>;
}

/** A target refused a bundle that has not passed every earlier stage, or whose files are not its own. */
export class StageAdmissionError extends Error {
  override readonly name = 'StageAdmissionError';
  constructor(
    readonly target: string,
    readonly stage: string,
    readonly reason: AdmissionRefusal | 'identity-mismatch',
    message: string,
  ) {
    super(`${target} refused ${stage}: ${message}`);
  }
}

/**
 * The bundle identity `compileBundle` records: SHA-256 of the `sha256sum`-style listing of
 * every file but the manifest, in path order.
 */
export function bundleIdentity(files: ReadonlyMap<string, string>): string {
  const listing = [...files.keys()]
    .filter((path) => path !== MANIFEST_PATH)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((path) => `${sha256Hex(files.get(path) ?? '')}  ${path}\n`)
    .join('');
  return sha256Hex(listing);
}

/**
 * What every adapter runs before touching a stage, so a bug or a bypass in the workflow cannot
 * push an unproven bundle: the stage must admit the bundle given the recorded results
 * (`mayEnterStage`), and the files must be the bundle those results name. Fails closed.
 */
export function ensureAdmitted(target: string, request: ApplyRequest): void {
  const { stage, bundle, results } = request;
  const admission = mayEnterStage(bundle.ref, stage, results);
  if (!admission.allowed) {
    throw new StageAdmissionError(target, String(stage), admission.reason, admission.message);
  }
  const actual = bundleIdentity(bundle.files);
  if (actual !== bundle.ref.bundleSha256) {
    throw new StageAdmissionError(
      target,
      stage,
      'identity-mismatch',
      `the files hash to ${actual.slice(0, 12)}, not to bundle v${bundle.ref.version}'s ${bundle.ref.bundleSha256.slice(0, 12)}; refusing files that are not the recorded bundle`,
    );
  }
}

/** The bundle files under `prefixes`, in path order. */
export function ownedFiles(
  bundle: TargetBundle,
  prefixes: readonly string[],
): [path: string, content: string][] {
  return [...bundle.files.entries()]
    .filter(([path]) => prefixes.some((prefix) => path.startsWith(prefix)))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The SHA-256 of each owned file: what `readBack` reports when the stage matches the bundle. */
export function expectedHashes(
  bundle: TargetBundle,
  prefixes: readonly string[],
): Record<string, string> {
  return Object.fromEntries(
    ownedFiles(bundle, prefixes).map(([path, content]) => [path, sha256Hex(content)]),
  );
}
