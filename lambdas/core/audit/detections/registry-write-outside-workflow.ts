import { ChangeAuditAction } from '../../../contracts/approval-contracts';
import { RegistryStreamAction } from '../../../contracts/audit-sources';
import { DAY, MINUTE, findingOf, stringDetail, type Detection } from './detection';

interface ApprovedChange {
  readonly approvedAt: string;
}

/**
 * The rule set moved to a new version without the approval workflow: the registry stream shows
 * a head commit that names no change, or names one never seen fully approved. The approval
 * (`change.approval.recorded` with state approved) is always emitted before the workflow
 * applies, so it is remembered per change id until the commit arrives.
 */
export function registryWriteOutsideWorkflow(): Detection<ApprovedChange> {
  const isApproval = (e: Parameters<Detection['matches']>[0]) =>
    e.event.action === ChangeAuditAction.approvalRecorded &&
    e.event.outcome === 'success' &&
    e.event.details.state === 'approved';
  const detection: Detection<ApprovedChange> = {
    name: 'registry-write-outside-workflow',
    severity: 'critical',
    suppressionWindowMs: 15 * MINUTE,
    description: 'The registry table committed a rule-set version no approved change accounts for.',
    stateTtlMs: 30 * DAY,
    matches: (e) => isApproval(e) || e.event.action === RegistryStreamAction.committed,
    stateKey: (e) => (isApproval(e) ? e.context.changeId : stringDetail(e, 'changeId')),
    evaluate: (enriched, state) => {
      const { event } = enriched;
      if (isApproval(enriched)) return { findings: [], state: { approvedAt: event.time } };
      const changeId = stringDetail(enriched, 'changeId');
      if (changeId !== undefined && state !== undefined) return { findings: [], state };
      const version =
        typeof event.details.version === 'number' ? String(event.details.version) : '?';
      return {
        findings: [
          findingOf(detection, enriched, {
            dedupKey: `v${version}`,
            summary:
              changeId === undefined
                ? `the registry committed rule-set v${version} with no change request`
                : `the registry committed rule-set v${version} for change ${changeId}, which was never approved`,
            context: { version, commitTxId: event.details.commitTxId, changeId },
          }),
        ],
        ...(state !== undefined ? { state } : {}),
      };
    },
  };
  return detection;
}
