import {
  ChangeAuditAction,
  WORKFLOW_AUDIT_SOURCE,
  WorkflowError,
} from '../../../contracts/approval-contracts';
import type { AuditEvent } from '../../../contracts/audit-event';
import { compileBundle } from '../../compile/bundle';
import { isApplied } from '../../rules/change';
import { RuleSetValidationError } from '../../rules/problems';
import { expired, outcome } from '../change-request';
import { ChangeNotFoundError, type ApprovalDependencies, type StoredChange } from '../ports';
import { changeAuditEvent } from './audit';

/** The change could no longer be applied to the rule set as it had become. */
export class ChangeConflictError extends Error {
  override readonly name = WorkflowError.conflict;
}

async function load(deps: ApprovalDependencies, changeId: string): Promise<StoredChange> {
  const stored = await deps.changes.get(changeId);
  if (stored === undefined) throw new ChangeNotFoundError(`no change ${changeId}`);
  return stored;
}

/**
 * The workflow's wait for approvals begins: the token is stored with the request. If the
 * request was decided before the workflow got here, the decision is passed on now, so no
 * approval or rejection is lost to the race.
 */
export async function registerWaitStep(
  deps: ApprovalDependencies,
  input: { changeId: string; token: string },
): Promise<void> {
  const stored = await deps.changes.attachTaskToken(input.changeId, input.token);
  switch (stored.request.state) {
    case 'approved':
      return deps.workflow.release(input.token, { approved: true });
    case 'rejected':
      return deps.workflow.stop(
        input.token,
        WorkflowError.rejected,
        'rejected before the workflow waited',
      );
    case 'withdrawn':
      return deps.workflow.stop(
        input.token,
        WorkflowError.withdrawn,
        'withdrawn before the workflow waited',
      );
    default:
      return undefined;
  }
}

/** The wait timed out: the change expires (unless someone decided it in the same moment). */
export async function expireStep(
  deps: ApprovalDependencies,
  input: { changeId: string; executionId: string },
): Promise<{ state: string }> {
  const stored = await load(deps, input.changeId);
  if (stored.request.state !== 'proposed') return { state: stored.request.state };
  const written = await deps.changes.update(expired(stored.request, deps.now()), stored.revision);
  await deps.audit.publish([
    changeAuditEvent(
      deps,
      ChangeAuditAction.expired,
      'ward',
      input.changeId,
      'failure',
      input.executionId,
      { expiresAt: stored.request.expiresAt },
      WORKFLOW_AUDIT_SOURCE,
    ),
  ]);
  return { state: written.request.state };
}

/**
 * Applies an approved change to the registry, rebased onto the rule set as it is now. A change
 * that no longer applies ends in conflict; one that is already in the rule set (a retry after
 * the commit) is recorded as applied without a second write.
 */
export async function applyStep(
  deps: ApprovalDependencies,
  input: { changeId: string; executionId: string },
): Promise<{ version: number }> {
  const stored = await load(deps, input.changeId);
  if (stored.request.state === 'applied' && stored.request.appliedVersion !== undefined)
    return { version: stored.request.appliedVersion };
  if (stored.request.state !== 'approved')
    throw new Error(`change ${input.changeId} is ${stored.request.state}, not approved`);
  const current = await deps.registry.readCurrent();
  let version: number;
  if (isApplied(current, stored.request.change)) {
    version = current.version;
  } else {
    try {
      version = (
        await deps.registry.applyChange(stored.request.change, undefined, {
          writtenFor: { changeId: input.changeId },
        })
      ).version;
    } catch (error) {
      if (!(error instanceof RuleSetValidationError)) throw error;
      const reason = error.problems.map((p) => p.message).join('; ');
      await deps.changes.update(
        outcome(stored.request, { conflict: reason }, deps.now()),
        stored.revision,
      );
      await deps.audit.publish([
        changeAuditEvent(
          deps,
          ChangeAuditAction.conflict,
          'ward',
          input.changeId,
          'failure',
          input.executionId,
          { reason, baseVersion: stored.request.baseVersion },
          WORKFLOW_AUDIT_SOURCE,
        ),
      ]);
      throw new ChangeConflictError(reason);
    }
  }
  await deps.changes.update(
    outcome(stored.request, { applied: version }, deps.now()),
    stored.revision,
  );
  return { version };
}

/** Compiles the rule set at the applied version, stores the bundle, and returns the `change.applied` event. */
export async function compileStep(
  deps: ApprovalDependencies,
  input: { changeId: string; version: number; executionId: string },
): Promise<{ bundleKey: string; bundleSha256: string; auditEvent: AuditEvent }> {
  const current = await deps.registry.readCurrent();
  const bundle = compileBundle(current);
  const { key } = await deps.bundles.store(bundle);
  const stored = await load(deps, input.changeId);
  return {
    bundleKey: key,
    bundleSha256: bundle.manifest.bundleSha256,
    auditEvent: changeAuditEvent(
      deps,
      ChangeAuditAction.applied,
      'ward',
      input.changeId,
      'success',
      input.executionId,
      {
        appliedVersion: input.version,
        compiledVersion: current.version,
        bundleSha256: bundle.manifest.bundleSha256,
        bundleKey: key,
        approvers: stored.request.approvals.map((a) => a.principal),
        // The production gate refuses the people whose changes are in the bundle.
        proposer: stored.request.proposer,
      },
      WORKFLOW_AUDIT_SOURCE,
    ),
  };
}
