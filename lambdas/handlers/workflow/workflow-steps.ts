import type { Context } from 'aws-lambda';
import { z } from 'zod';
import {
  applyStep,
  compileStep,
  expireStep,
  registerWaitStep,
} from '../../core/approvals/use-cases/workflow-steps';
import { deps, logger } from '../approvals-context';

const ChangeStepSchema = z.object({ changeId: z.string().min(1) });

/**
 * The approval workflow's Lambda tasks. Each is one function (one handler per task) so each
 * gets only the permissions its step needs; they share this module's parsing.
 */
export async function registerApprovalWait(event: unknown): Promise<void> {
  const input = ChangeStepSchema.extend({ token: z.string().min(1) }).parse(event);
  logger.appendKeys({ changeId: input.changeId });
  await registerWaitStep(deps, input);
}

export async function expireChange(event: unknown, context: Context): Promise<{ state: string }> {
  const input = ChangeStepSchema.parse(event);
  return expireStep(deps, { changeId: input.changeId, executionId: context.awsRequestId });
}

export async function applyChange(event: unknown, context: Context): Promise<{ version: number }> {
  const input = ChangeStepSchema.parse(event);
  return applyStep(deps, { changeId: input.changeId, executionId: context.awsRequestId });
}

export async function compileBundle(event: unknown, context: Context) {
  const input = ChangeStepSchema.extend({ version: z.number().int().nonnegative() }).parse(event);
  return compileStep(deps, { ...input, executionId: context.awsRequestId });
}
