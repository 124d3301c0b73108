import { latestResult, mayEnterStage, type BundleRef, type StageResult } from './admission';
import type { StageName } from './stages';

export type RollbackRefusal =
  'unknown-version' | 'not-earlier' | 'not-passed-staging' | 'failed-here' | 'none-available';

export type RollbackChoice =
  | { readonly ok: true; readonly target: BundleRef }
  | { readonly ok: false; readonly reason: RollbackRefusal; readonly message: string };

/**
 * The bundle a rollback of `stage` goes back to: an earlier bundle than the deployed one
 * that passed every stage before `stage` and whose last result in `stage` itself was not a
 * failure. With `requestedVersion`, that bundle if it qualifies; otherwise the newest that
 * does. The choice is then promoted through the same gate as any other.
 */
export function chooseRollbackTarget(input: {
  readonly stage: StageName;
  readonly deployed: BundleRef;
  readonly results: readonly StageResult[];
  readonly requestedVersion?: number;
}): RollbackChoice {
  const { stage, deployed, results, requestedVersion } = input;
  const refuse = (reason: RollbackRefusal, message: string): RollbackChoice => ({
    ok: false,
    reason,
    message,
  });
  const bundles = new Map<string, BundleRef>();
  for (const r of results)
    bundles.set(`${r.version}/${r.bundleSha256}`, {
      version: r.version,
      bundleSha256: r.bundleSha256,
    });

  const why = (bundle: BundleRef): { reason: RollbackRefusal; message: string } | undefined => {
    const v = `v${bundle.version}`;
    if (bundle.version >= deployed.version) {
      return {
        reason: 'not-earlier',
        message: `${v} is not earlier than the deployed v${deployed.version}`,
      };
    }
    const admission = mayEnterStage(bundle, stage, results);
    if (!admission.allowed) return { reason: 'not-passed-staging', message: admission.message };
    const here = latestResult(
      results.filter((r) => r.stage === stage && r.version === bundle.version),
    );
    if (here === 'unreadable' || here?.outcome === 'failed') {
      return {
        reason: 'failed-here',
        message: `${v} last failed in ${stage}; choose another version`,
      };
    }
    return undefined;
  };

  const sorted = [...bundles.values()].sort((a, b) => b.version - a.version);
  if (requestedVersion !== undefined) {
    const matches = sorted.filter((b) => b.version === requestedVersion);
    if (matches.length === 0)
      return refuse('unknown-version', `no results are recorded for v${requestedVersion}`);
    // Two bundles under one version is a conflict the admission check refuses anyway.
    const bundle = matches[0] as BundleRef;
    const problem =
      matches.length > 1
        ? {
            reason: 'not-passed-staging' as const,
            message: `v${requestedVersion} has more than one bundle recorded`,
          }
        : why(bundle);
    return problem === undefined
      ? { ok: true, target: bundle }
      : refuse(problem.reason, problem.message);
  }
  const target = sorted.find((b) => why(b) === undefined);
  return target === undefined
    ? refuse(
        'none-available',
        `no bundle earlier than v${deployed.version} passed the stages before ${stage}`,
      )
    : { ok: true, target };
}
