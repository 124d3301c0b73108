import { isStage, stagesBefore, type StageName } from './stages';

/** A compiled bundle, by the version it was compiled from and the hash of its files. */
export interface BundleRef {
  readonly version: number;
  readonly bundleSha256: string;
}

/** `verified` is the only outcome that counts as passing a stage. */
export type StageOutcome = 'applied' | 'verified' | 'failed';

/** One recorded stage result, as the promotion workflow writes it to the table. */
export interface StageResult extends BundleRef {
  readonly stage: StageName;
  readonly outcome: StageOutcome;
  /** ISO 8601 time the result was recorded. */
  readonly at: string;
}

export type AdmissionRefusal = 'unknown-stage' | 'not-passed' | 'hash-mismatch' | 'bad-record';

export type Admission =
  | { readonly allowed: true }
  | {
      readonly allowed: false;
      readonly reason: AdmissionRefusal;
      /** The earlier stage at fault, where there is one. */
      readonly stage?: StageName;
      readonly message: string;
    };

/**
 * Whether `bundle` may enter `stage`: only when its latest recorded result in every earlier
 * stage is `verified` for this exact bundle. Fails closed: no record, a later failure, a
 * record with another hash for the same version, or an unreadable record all refuse.
 */
export function mayEnterStage(
  bundle: BundleRef,
  stage: unknown,
  results: readonly StageResult[],
): Admission {
  if (!isStage(stage)) {
    return {
      allowed: false,
      reason: 'unknown-stage',
      message: `"${String(stage)}" is not a stage`,
    };
  }
  const name = `bundle v${bundle.version}`;
  for (const earlier of stagesBefore(stage)) {
    const records = results.filter((r) => r.stage === earlier && r.version === bundle.version);
    const foreign = records.find((r) => r.bundleSha256 !== bundle.bundleSha256);
    if (foreign !== undefined) {
      return {
        allowed: false,
        reason: 'hash-mismatch',
        stage: earlier,
        message: `${name}: ${earlier} recorded a different bundle (${foreign.bundleSha256.slice(0, 12)}) for this version; refusing a bundle whose identity is in doubt`,
      };
    }
    const latest = latestResult(records);
    if (latest === 'unreadable') {
      return {
        allowed: false,
        reason: 'bad-record',
        stage: earlier,
        message: `${name}: a ${earlier} result has an unreadable time`,
      };
    }
    if (latest?.outcome !== 'verified') {
      const what = latest === undefined ? 'has no result' : `was last ${latest.outcome}`;
      return {
        allowed: false,
        reason: 'not-passed',
        stage: earlier,
        message: `${name} ${what} in ${earlier}; it must pass ${stagesBefore(stage).join(' and ')} before ${stage}`,
      };
    }
  }
  return { allowed: true };
}

/** The most recent result by time; a tie goes to the worst outcome, so a failure is never hidden. */
export function latestResult(
  records: readonly StageResult[],
): StageResult | undefined | 'unreadable' {
  let latest: StageResult | undefined;
  let latestTime = -Infinity;
  for (const record of records) {
    const time = Date.parse(record.at);
    if (Number.isNaN(time)) return 'unreadable';
    if (time > latestTime || (time === latestTime && severity(record) > severity(latest))) {
      latest = record;
      latestTime = time;
    }
  }
  return latest;
}

function severity(record: StageResult | undefined): number {
  return record === undefined ? -1 : { verified: 0, applied: 1, failed: 2 }[record.outcome];
}
