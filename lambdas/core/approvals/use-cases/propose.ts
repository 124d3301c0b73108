import { z } from 'zod';
import { ChangeAuditAction } from '../../../contracts/approval-contracts';
import { parseChange } from '../../rules/change';
import { RuleSetValidationError } from '../../rules/problems';
import type { ApprovalConfig } from '../../../contracts/approval-config';
import type { Caller } from '../caller';
import { InvalidProposalError, proposeChange } from '../change-request';
import type { ApprovalDependencies } from '../ports';
import { changeAuditEvent } from './audit';
import { changeView, type ChangeView } from './change-view';

const ProposalBodySchema = z.strictObject({
  add: z.unknown().optional(),
  remove: z.unknown().optional(),
  justification: z.string({ error: 'justification is required: say why this access is needed' }),
});

/**
 * POST /changes: validates the body, checks the change against the current rule set, stores
 * the request, starts its approval workflow and records `change.proposed`.
 */
export async function proposeUseCase(
  deps: ApprovalDependencies,
  config: ApprovalConfig,
  input: { readonly caller: Caller; readonly body: unknown; readonly correlationId: string },
): Promise<ChangeView> {
  const parsed = ProposalBodySchema.safeParse(input.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidProposalError(
      `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  const change = parseChange({
    ...(parsed.data.add !== undefined ? { add: parsed.data.add } : {}),
    ...(parsed.data.remove !== undefined ? { remove: parsed.data.remove } : {}),
  });
  const current = await deps.registry.readCurrent();
  const now = deps.now();
  const request = proposeChange({
    id: deps.newId(),
    proposer: input.caller,
    change,
    justification: parsed.data.justification,
    current,
    now,
    config,
  });
  await deps.changes.create(request);
  await deps.workflow.start(
    request.id,
    Math.max(1, Math.ceil((Date.parse(request.expiresAt) - now.getTime()) / 1000)),
  );
  await deps.audit.publish([
    changeAuditEvent(
      deps,
      ChangeAuditAction.proposed,
      input.caller,
      request.id,
      'success',
      input.correlationId,
      {
        baseVersion: request.baseVersion,
        diffSha256: request.diffSha256,
        requiredApprovals: request.requirements.map((r) => ({
          team: r.team,
          approvals: r.approvals,
        })),
        edgesAdded: request.impact.edgesAdded.length,
      },
    ),
  ]);
  return changeView(request);
}

export { RuleSetValidationError };
