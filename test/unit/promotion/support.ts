import type {
  BundleRef,
  StageOutcome,
  StageResult,
} from '../../../lambdas/core/promotion/admission';
import type { StageName } from '../../../lambdas/core/promotion/stages';

/** A bundle whose hash is derived from its version, unless a test gives another. */
export const bundle = (version: number, hash = `h${version}`): BundleRef => ({
  version,
  bundleSha256: hash.padEnd(64, '0'),
});

let clock = Date.parse('2030-01-01T00:00:00Z');

/** A stage result recorded one minute after the previous one made with this helper. */
export function result(
  stage: StageName,
  ref: BundleRef,
  outcome: StageOutcome,
  at?: string,
): StageResult {
  clock += 60_000;
  return { stage, ...ref, outcome, at: at ?? new Date(clock).toISOString() };
}

/** Results of a bundle that passed every stage up to and including `through`. */
export function passed(ref: BundleRef, ...stages: StageName[]): StageResult[] {
  return stages.flatMap((stage) => [result(stage, ref, 'applied'), result(stage, ref, 'verified')]);
}
