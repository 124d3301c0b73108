import { z } from 'zod';
import { CHANGE_STATES } from '../../core/approvals/change-request';
import { changeView } from '../../core/approvals/use-cases/change-view';
import { deps } from '../approvals-context';
import { atTheEdge, callerOf, json, type ApiEvent, type ApiResult } from '../http/api-edge';

const QuerySchema = z.strictObject({
  state: z.enum(CHANGE_STATES).optional(),
  team: z.string().min(1).optional(),
  mine: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** GET /changes?state=&team=&mine=: an approver's inbox, or a proposer's own changes. */
export async function handler(event: ApiEvent): Promise<ApiResult> {
  return atTheEdge(event, async () => {
    const caller = callerOf(event);
    const query = QuerySchema.parse(event.queryStringParameters ?? {});
    const changes = await deps.changes.list({
      limit: query.limit,
      ...(query.state !== undefined ? { state: query.state } : {}),
      ...(query.team !== undefined ? { team: query.team } : {}),
      ...(query.mine === 'true' ? { proposer: caller.principal } : {}),
    });
    return json(200, { changes: changes.map(changeView) });
  });
}
