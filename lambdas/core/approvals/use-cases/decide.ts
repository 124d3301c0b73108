import { ChangeAuditAction, WorkflowError } from '../../../contracts/approval-contracts';
import type { Caller } from '../caller';
import {
  approvalBy,
  ChangeRefusedError,
  rejectionBy,
  withApproval,
  withdrawalBy,
  type ChangeRequest,
  type ShownChange,
} from '../change-request';
import {
  ChangeNotFoundError,
  ChangeRevisionConflictError,
  type ApprovalDependencies,
  type StoredChange,
} from '../ports';
import { changeAuditEvent } from './audit';
import { changeView, type ChangeView } from './change-view';

/** Concurrent deciders each re-read and decide again at most this often before giving up. */
const MAX_ATTEMPTS = 25;

interface Decision {
  readonly caller: Caller;
  readonly id: string;
  readonly correlationId: string;
}

/**
 * POST /changes/{id}/approve. Approvals are counted exactly once however many arrive at the
 * same moment: each is written only if the request is still at the revision it was decided
 * on, and the one write that makes the change approved is the one that releases the workflow.
 */
export async function approveUseCase(
  deps: ApprovalDependencies,
  input: Decision & { readonly shown: ShownChange },
): Promise<ChangeView> {
  return decide(
    deps,
    input,
    ChangeAuditAction.approvalRecorded,
    (request, now) => withApproval(request, approvalBy(request, input.caller, input.shown, now)),
    async (stored) => {
      if (stored.request.state === 'approved' && stored.taskToken !== undefined)
        await deps.workflow.release(stored.taskToken, { approved: true });
    },
  );
}

/** POST /changes/{id}/reject: ends the change and stops its workflow. */
export async function rejectUseCase(
  deps: ApprovalDependencies,
  input: Decision & { readonly reason: string },
): Promise<ChangeView> {
  return decide(
    deps,
    input,
    ChangeAuditAction.rejected,
    (request, now) => rejectionBy(request, input.caller, input.reason, now),
    async (stored) => {
      if (stored.taskToken !== undefined)
        await deps.workflow.stop(stored.taskToken, WorkflowError.rejected, input.reason);
    },
  );
}

/** POST /changes/{id}/withdraw: the proposer takes the change back. */
export async function withdrawUseCase(
  deps: ApprovalDependencies,
  input: Decision,
): Promise<ChangeView> {
  return decide(
    deps,
    input,
    ChangeAuditAction.withdrawn,
    (request, now) => withdrawalBy(request, input.caller, now),
    async (stored) => {
      if (stored.taskToken !== undefined)
        await deps.workflow.stop(
          stored.taskToken,
          WorkflowError.withdrawn,
          'withdrawn by the proposer',
        );
    },
  );
}

async function decide(
  deps: ApprovalDependencies,
  input: Decision,
  action: ChangeAuditAction,
  next: (request: ChangeRequest, now: Date) => ChangeRequest,
  afterWrite: (stored: StoredChange) => Promise<void>,
): Promise<ChangeView> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const stored = await deps.changes.get(input.id);
    if (stored === undefined) throw new ChangeNotFoundError(`no change ${input.id}`);
    let updated: ChangeRequest;
    try {
      updated = next(stored.request, deps.now());
    } catch (error) {
      if (error instanceof ChangeRefusedError) {
        const refusedAction =
          action === ChangeAuditAction.approvalRecorded
            ? ChangeAuditAction.approvalRefused
            : action;
        await deps.audit.publish([
          changeAuditEvent(
            deps,
            refusedAction,
            input.caller,
            input.id,
            'denied',
            input.correlationId,
            { reason: error.code, message: error.message },
          ),
        ]);
      }
      throw error;
    }
    let written: StoredChange;
    try {
      written = await deps.changes.update(updated, stored.revision);
    } catch (error) {
      if (error instanceof ChangeRevisionConflictError) continue;
      throw error;
    }
    await deps.audit.publish([
      changeAuditEvent(deps, action, input.caller, input.id, 'success', input.correlationId, {
        state: written.request.state,
        approvals: written.request.approvals.length,
      }),
    ]);
    await afterWrite(written);
    return changeView(written.request);
  }
  throw new ChangeRevisionConflictError(
    `change ${input.id} kept changing while it was being decided; try again`,
  );
}
