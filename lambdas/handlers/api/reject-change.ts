import { z } from 'zod';
import { rejectUseCase } from '../../core/approvals/use-cases/decide';
import { deps } from '../approvals-context';
import { atTheEdge, bodyOf, callerOf, json, type ApiEvent, type ApiResult } from '../http/api-edge';

const RejectBodySchema = z.strictObject({
  reason: z
    .string({ error: 'reason is required: say why the change is rejected' })
    .min(1)
    .max(2_000),
});

/** POST /changes/{id}/reject */
export async function handler(event: ApiEvent): Promise<ApiResult> {
  return atTheEdge(event, async () => {
    const { reason } = RejectBodySchema.parse(bodyOf(event));
    return json(
      200,
      await rejectUseCase(deps, {
        caller: callerOf(event),
        id: event.pathParameters?.id ?? '',
        reason,
        correlationId: event.requestContext.requestId,
      }),
    );
  });
}
