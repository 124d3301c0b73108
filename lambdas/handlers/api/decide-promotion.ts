import { z } from 'zod';
import { STAGES } from '../../contracts/stages';
import { decideAtGate } from '../../core/promotion/use-cases/gate-steps';
import { promotionDeps } from '../promotion-context';
import {
  atTheEdge,
  bodyOf,
  callerOf,
  json,
  RequestError,
  type ApiEvent,
  type ApiResult,
} from '../http/api-edge';

const DecisionBodySchema = z.strictObject({
  stage: z.enum(STAGES).default('prod'),
  reason: z.string().trim().min(1).max(1000).optional(),
});

/** POST /promotions/{id}/approve and /reject: a person decides at a stage's gate. */
export async function handler(event: ApiEvent): Promise<ApiResult> {
  return atTheEdge(event, async () => {
    const body = DecisionBodySchema.parse(bodyOf(event));
    const decision = event.routeKey.endsWith('/approve') ? 'approve' : 'reject';
    if (decision === 'reject' && body.reason === undefined)
      throw new RequestError(400, 'InvalidRequest', 'reason: say why the promotion is rejected');
    const result = await decideAtGate(promotionDeps, {
      stage: body.stage,
      promotionId: event.pathParameters?.id ?? '',
      caller: callerOf(event),
      decision,
      ...(body.reason !== undefined ? { reason: body.reason } : {}),
    });
    return json(200, { id: event.pathParameters?.id, stage: body.stage, ...result });
  });
}
