import { withdrawUseCase } from '../../core/approvals/use-cases/decide';
import { deps } from '../approvals-context';
import { atTheEdge, callerOf, json, type ApiEvent, type ApiResult } from '../http/api-edge';

/** POST /changes/{id}/withdraw */
export async function handler(event: ApiEvent): Promise<ApiResult> {
  return atTheEdge(event, async () =>
    json(
      200,
      await withdrawUseCase(deps, {
        caller: callerOf(event),
        id: event.pathParameters?.id ?? '',
        correlationId: event.requestContext.requestId,
      }),
    ),
  );
}
