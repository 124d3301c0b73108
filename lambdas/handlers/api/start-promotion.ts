import { z } from 'zod';
import { STAGES } from '../../contracts/stages';
import { requestPromotion } from '../../core/promotion/use-cases/start-promotion';
import { promotionDeps } from '../promotion-context';
import { atTheEdge, bodyOf, callerOf, json, type ApiEvent, type ApiResult } from '../http/api-edge';

const PromotionBodySchema = z.strictObject({
  version: z.number().int().nonnegative(),
  stage: z.enum(STAGES),
});

/** POST /promotions: a person promotes a stored bundle into one stage (`ward promote --to`). */
export async function handler(event: ApiEvent): Promise<ApiResult> {
  return atTheEdge(event, async () => {
    const body = PromotionBodySchema.parse(bodyOf(event));
    const started = await requestPromotion(promotionDeps, { caller: callerOf(event), ...body });
    return json(202, { ...started, kind: 'forward' });
  });
}
