import type { AuditEvent } from '../../contracts/audit-event';

export type ServiceTier = 'critical' | 'standard';

export interface ServiceContext {
  readonly service: string;
  readonly team: string;
  readonly tier: ServiceTier;
}

/** Ports the adapter implements over the registry; each is called once per batch. */
export interface EnrichmentPorts {
  /** Services not in the registry are simply absent from the answer. */
  servicesByName(names: readonly string[]): Promise<ReadonlyMap<string, ServiceContext>>;
  /**
   * The teams whose identity-provider group each of `groups` is (teams.yaml's `group`);
   * groups of no team are absent. Ward keeps no list of people: an actor's teams are what
   * the groups its producer verified say.
   */
  teamsOfGroups(groups: readonly string[]): Promise<ReadonlyMap<string, readonly string[]>>;
}

export type Lookup<T> =
  | { readonly status: 'found'; readonly value: T }
  | { readonly status: 'unknown' }
  | { readonly status: 'failed'; readonly reason: string };

/** What one batch's lookups returned: the per-invocation cache enrichment reads from. */
export interface EnrichmentLookups {
  readonly services: ReadonlyMap<string, Lookup<ServiceContext>>;
  readonly actorTeams: ReadonlyMap<string, Lookup<readonly string[]>>;
}

export interface EnrichmentContext {
  readonly services: readonly ServiceContext[];
  readonly owningTeams: readonly string[];
  readonly actorTeams: readonly string[];
  /** Undefined when it cannot be told (no target service, or a lookup failed). */
  readonly actorOnOwningTeam: boolean | undefined;
  readonly changeId?: string;
  readonly bundleSha256?: string;
  /** True when a lookup failed: the event is still archived and run through detections. */
  readonly partial: boolean;
  readonly failures: readonly string[];
}

export interface EnrichedAuditEvent {
  readonly event: AuditEvent;
  readonly context: EnrichmentContext;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/** The services an event is about, wherever its producer put them. */
export function servicesOf(event: AuditEvent): string[] {
  const { details, target } = event;
  const names = new Set<string>();
  if (target.type === 'service') names.add(target.id);
  for (const key of ['service', 'callee'] as const) {
    const name = text(details[key]);
    if (name !== undefined) names.add(name);
  }
  if (Array.isArray(details.services))
    for (const name of details.services) if (text(name) !== undefined) names.add(name as string);
  for (const edge of addedEdges(event)) names.add(edge.callee);
  return [...names].sort();
}

/** Ingress edges a change added, when its event lists them (`details.edgesAdded`). */
export function addedEdges(event: AuditEvent): { caller: string; callee: string }[] {
  const edges = event.details.edgesAdded;
  if (!Array.isArray(edges)) return [];
  return edges.flatMap((edge: unknown) => {
    if (typeof edge !== 'object' || edge === null) return [];
    const { caller, callee } = edge as Record<string, unknown>;
    return text(caller) !== undefined && text(callee) !== undefined
      ? [{ caller: caller as string, callee: callee as string }]
      : [];
  });
}

/** Only people have teams; services and anonymous callers are not looked up. */
const hasTeams = (event: AuditEvent) => event.actor.kind === 'human';

/**
 * Looks up every distinct service and person of a batch once. A port that fails marks its
 * keys failed rather than failing the batch: enrichment is context, not a gate.
 */
export async function resolveLookups(
  events: readonly AuditEvent[],
  ports: EnrichmentPorts,
): Promise<EnrichmentLookups> {
  const serviceNames = [...new Set(events.flatMap(servicesOf))].sort();
  const withGroups = events.filter((e) => hasTeams(e) && e.actor.groups !== undefined);
  const groupNames = [...new Set(withGroups.flatMap((e) => e.actor.groups ?? []))].sort();
  const [services, groups] = await Promise.all([
    lookupAll(serviceNames, (names) => ports.servicesByName(names)),
    lookupAll(groupNames, (names) => ports.teamsOfGroups(names)),
  ]);
  // A person's teams: those of the groups their event carries. A failed look-up of any of
  // them leaves the person's teams failed, not a partial list that could read as "not on it".
  const actorTeams = new Map<string, Lookup<readonly string[]>>();
  for (const event of withGroups) {
    const found = (event.actor.groups ?? []).map(
      (group): Lookup<readonly string[]> =>
        groups.get(group) ?? { status: 'failed', reason: 'not looked up' },
    );
    const failed = found.find((l) => l.status === 'failed');
    const teams = found.flatMap((l) => (l.status === 'found' ? l.value : []));
    const before = actorTeams.get(event.actor.principal);
    actorTeams.set(
      event.actor.principal,
      failed !== undefined
        ? failed
        : before?.status === 'failed'
          ? before
          : {
              status: 'found',
              value: [
                ...new Set([...(before?.status === 'found' ? before.value : []), ...teams]),
              ].sort(),
            },
    );
  }
  return { services, actorTeams };
}

async function lookupAll<T>(
  keys: readonly string[],
  fetch: (keys: readonly string[]) => Promise<ReadonlyMap<string, T>>,
): Promise<Map<string, Lookup<T>>> {
  if (keys.length === 0) return new Map();
  try {
    const found = await fetch(keys);
    return new Map(
      keys.map((key): [string, Lookup<T>] => {
        const value = found.get(key);
        return [key, value === undefined ? { status: 'unknown' } : { status: 'found', value }];
      }),
    );
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return new Map(keys.map((key) => [key, { status: 'failed', reason }]));
  }
}

/** Joins one event with what the lookups know. Never throws and never drops the event. */
export function enrich(event: AuditEvent, lookups: EnrichmentLookups): EnrichedAuditEvent {
  const failures: string[] = [];
  const services: ServiceContext[] = [];
  for (const name of servicesOf(event)) {
    const found = lookups.services.get(name) ?? { status: 'failed', reason: 'not looked up' };
    if (found.status === 'found') services.push(found.value);
    else if (found.status === 'failed') failures.push(`service ${name}: ${found.reason}`);
  }
  let actorTeams: readonly string[] = [];
  let teamsKnown = !hasTeams(event);
  if (hasTeams(event)) {
    const found = lookups.actorTeams.get(event.actor.principal);
    if (found?.status === 'found') [actorTeams, teamsKnown] = [found.value, true];
    else if (found?.status === 'unknown') teamsKnown = true;
    else if (found?.status === 'failed')
      failures.push(`actor ${event.actor.principal}: ${found.reason}`);
    // Not looked up: a person whose producer verified no groups (CloudTrail, a refused token)
    // has teams nobody can tell, so whether they are on the owning team stays undefined.
    else if (event.actor.groups !== undefined)
      failures.push(`actor ${event.actor.principal}: not looked up`);
  }
  const owningTeams = [...new Set(services.map((s) => s.team))].sort();
  const servicesKnown = !failures.some((f) => f.startsWith('service '));
  const changeId = event.target.type === 'change' ? event.target.id : text(event.details.changeId);
  const bundleSha256 = text(event.details.bundleSha256);
  return {
    event,
    context: {
      services,
      owningTeams,
      actorTeams,
      actorOnOwningTeam:
        owningTeams.length === 0 || !teamsKnown || !servicesKnown
          ? undefined
          : owningTeams.some((team) => actorTeams.includes(team)),
      ...(changeId !== undefined ? { changeId } : {}),
      ...(bundleSha256 !== undefined ? { bundleSha256 } : {}),
      partial: failures.length > 0,
      failures,
    },
  };
}
