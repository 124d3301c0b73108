import { STAGES } from '../../contracts/stages';
import { pipelineView } from '../../core/promotion/pipeline-view';
import { promotionDeps } from '../promotion-context';
import { atTheEdge, callerOf, json, type ApiEvent, type ApiResult } from '../http/api-edge';

/** GET /pipeline: each stage's bundle and state, and the promotions in flight or at the gate. */
export async function handler(event: ApiEvent): Promise<ApiResult> {
  return atTheEdge(event, async () => {
    callerOf(event);
    const { records } = promotionDeps;
    const lanes = await Promise.all(STAGES.map(async (s) => [s, await records.lane(s)] as const));
    const newest = await Promise.all(
      STAGES.map(async (s) => [s, (await records.recentResults(s, 1))[0]] as const),
    );
    return json(200, pipelineView(new Map(lanes), new Map(newest)));
  });
}
