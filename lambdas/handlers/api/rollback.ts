import { z } from 'zod';
import { STAGES } from '../../contracts/stages';
import { requestRollback } from '../../core/promotion/use-cases/start-promotion';
import { promotionDeps } from '../promotion-context';
import { atTheEdge, bodyOf, callerOf, json, type ApiEvent, type ApiResult } from '../http/api-edge';

const RollbackBodySchema = z.strictObject({
  stage: z.enum(STAGES),
  version: z.number().int().nonnegative().optional(),
});

/** POST /rollbacks: a person re-promotes an earlier bundle into a stage, through its gate. */
export async function handler(event: ApiEvent): Promise<ApiResult> {
  return atTheEdge(event, async () => {
    const body = RollbackBodySchema.parse(bodyOf(event));
    const started = await requestRollback(promotionDeps, {
      caller: callerOf(event),
      stage: body.stage,
      ...(body.version !== undefined ? { version: body.version } : {}),
    });
    return json(202, {
      id: started.id,
      stage: started.stage,
      kind: 'rollback',
      from: started.from.version,
      version: started.to.version,
    });
  });
}
