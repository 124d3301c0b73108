import { deps } from '../approvals-context';
import {
  atTheEdge,
  callerOf,
  json,
  RequestError,
  type ApiEvent,
  type ApiResult,
} from '../http/api-edge';

/** GET /services/{name}: the service's owner and tier, who may call it, whom it may call, its egress and grants. */
export async function handler(event: ApiEvent): Promise<ApiResult> {
  return atTheEdge(event, async () => {
    callerOf(event);
    const name = event.pathParameters?.name ?? '';
    const rules = await deps.registry.readCurrent();
    const service = rules.services.find((s) => s.name === name);
    if (service === undefined) throw new RequestError(404, 'NotFound', `no service ${name}`);
    return json(200, {
      version: rules.version,
      service,
      team: rules.teams.find((t) => t.name === service.team),
      callers: rules.ingress.filter((r) => r.to === name),
      callees: rules.ingress.filter((r) => r.from === name),
      egress: rules.egress.filter((r) => r.service === name),
      grants: rules.grants.filter((g) => g.service === name),
    });
  });
}
