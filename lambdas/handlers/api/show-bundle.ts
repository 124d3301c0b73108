import { z } from 'zod';
import { showBundle } from '../../core/promotion/use-cases/show-bundle';
import { promotionDeps } from '../promotion-context';
import { atTheEdge, callerOf, json, type ApiEvent, type ApiResult } from '../http/api-edge';

const VersionSchema = z.coerce.number().int().nonnegative();

/** GET /bundles/{version}: what changed since the bundle before it, in edges and WAF rules. */
export async function handler(event: ApiEvent): Promise<ApiResult> {
  return atTheEdge(event, async () => {
    callerOf(event);
    const version = VersionSchema.parse(event.pathParameters?.version);
    return json(200, await showBundle(promotionDeps.bundles, version));
  });
}
