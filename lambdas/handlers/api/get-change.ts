import { ChangeNotFoundError } from '../../core/approvals/ports';
import { changeView } from '../../core/approvals/use-cases/change-view';
import { deps } from '../approvals-context';
import { atTheEdge, callerOf, json, type ApiEvent, type ApiResult } from '../http/api-edge';

/** GET /changes/{id}: the diff, required and received approvals, who can still approve, impact, history. */
export async function handler(event: ApiEvent): Promise<ApiResult> {
  return atTheEdge(event, async () => {
    callerOf(event);
    const id = event.pathParameters?.id ?? '';
    const stored = await deps.changes.get(id);
    if (stored === undefined) throw new ChangeNotFoundError(`no change ${id}`);
    return json(200, changeView(stored.request));
  });
}
