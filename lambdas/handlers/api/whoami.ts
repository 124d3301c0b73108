import { deps } from '../approvals-context';
import { atTheEdge, callerOf, json, type ApiEvent, type ApiResult } from '../http/api-edge';

/** GET /whoami: who Ward takes the caller for, and which teams that makes them part of. */
export async function handler(event: ApiEvent): Promise<ApiResult> {
  return atTheEdge(event, async () => {
    const caller = callerOf(event);
    const rules = await deps.registry.readCurrent();
    return json(200, {
      ...caller,
      teams: rules.teams.filter((t) => caller.groups.includes(t.group)).map((t) => t.name),
    });
  });
}
