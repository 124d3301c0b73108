import { z } from 'zod';
import { approveUseCase } from '../../core/approvals/use-cases/decide';
import { deps } from '../approvals-context';
import { atTheEdge, bodyOf, callerOf, json, type ApiEvent, type ApiResult } from '../http/api-edge';

const sha256 = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'must be the SHA-256 (hex) the change was shown with');
const ApproveBodySchema = z.strictObject({ diffSha256: sha256, impactSha256: sha256 });

/** POST /changes/{id}/approve: the body says which diff and impact the approver saw. */
export async function handler(event: ApiEvent): Promise<ApiResult> {
  return atTheEdge(event, async () => {
    const shown = ApproveBodySchema.parse(bodyOf(event));
    const view = await approveUseCase(deps, {
      caller: callerOf(event),
      id: event.pathParameters?.id ?? '',
      shown,
      correlationId: event.requestContext.requestId,
    });
    return json(200, view);
  });
}
