import { z } from 'zod';
import {
  AuditEventSchema,
  type AuditActor,
  type AuditEvent,
  type AuditOutcome,
} from '../../contracts/audit-event';
import {
  INGEST_ACTION_PREFIX,
  INGEST_SOURCES,
  KUBERNETES_AUDIT_API_VERSION,
} from '../../contracts/audit-sources';
import {
  kebabCase,
  rejection,
  shapeRejection,
  type NormalisationRejection,
  type NormaliserDeps,
} from './normalisation';

const ORIGIN = 'k8s.audit';

const UserInfoSchema = z.object({
  username: z.string().min(1),
  uid: z.string().optional(),
  groups: z.array(z.string()).optional(),
});

/** One `audit.k8s.io/v1` Event (kube-apiserver Audit Configuration v1); extra keys allowed. */
const KubernetesAuditEventSchema = z.object({
  level: z.enum(['None', 'Metadata', 'Request', 'RequestResponse']),
  auditID: z.string().min(1),
  stage: z.enum(['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic']),
  requestURI: z.string(),
  verb: z.string().min(1),
  user: UserInfoSchema,
  impersonatedUser: UserInfoSchema.optional(),
  sourceIPs: z.array(z.string()).optional(),
  userAgent: z.string().optional(),
  objectRef: z
    .object({
      resource: z.string().optional(),
      namespace: z.string().optional(),
      name: z.string().optional(),
      apiGroup: z.string().optional(),
      apiVersion: z.string().optional(),
      subresource: z.string().optional(),
    })
    .optional(),
  responseStatus: z.object({ code: z.number().int().optional() }).optional(),
  requestReceivedTimestamp: z.iso.datetime(),
  stageTimestamp: z.iso.datetime(),
  annotations: z.record(z.string(), z.string()).optional(),
});
type KubernetesAuditEvent = z.infer<typeof KubernetesAuditEventSchema>;

const EventListSchema = z.object({
  kind: z.literal('EventList'),
  apiVersion: z.string(),
  items: z.array(z.unknown()),
});

/** Stages after which nothing more is known of a request; earlier ones would double-count it. */
const FINAL_STAGES = new Set(['ResponseComplete', 'Panic']);

export interface KubernetesAuditBatch {
  readonly events: AuditEvent[];
  readonly rejections: NormalisationRejection[];
  /** Events of non-final stages, counted rather than archived: the final stage repeats them. */
  readonly skipped: { readonly auditID: string; readonly stage: string }[];
}

/**
 * Normalises the body the API server's webhook backend posts (an `audit.k8s.io/v1`
 * EventList) for `cluster`, which the adapter knows from the authenticated endpoint, not
 * from the body. A malformed list is one rejection; a malformed item is rejected alone and
 * the rest of the list still counts.
 */
export function normaliseKubernetesAuditEvents(
  body: unknown,
  cluster: string,
  deps: NormaliserDeps = {},
): KubernetesAuditBatch {
  let parsed: unknown = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return onlyRejection(rejection(ORIGIN, 'not-json', body, 'the body is not JSON'));
    }
  }
  const list = EventListSchema.safeParse(parsed);
  if (!list.success) return onlyRejection(shapeRejection(ORIGIN, body, list.error));
  if (list.data.apiVersion !== KUBERNETES_AUDIT_API_VERSION)
    return onlyRejection(
      rejection(
        ORIGIN,
        'unsupported-api-version',
        body,
        `apiVersion "${list.data.apiVersion}" is not "${KUBERNETES_AUDIT_API_VERSION}"`,
        'apiVersion',
      ),
    );

  const batch: KubernetesAuditBatch = { events: [], rejections: [], skipped: [] };
  list.data.items.forEach((item, index) => {
    const event = KubernetesAuditEventSchema.safeParse(item);
    if (!event.success) {
      const refused = shapeRejection(ORIGIN, item, event.error, ['items', index]);
      if (!refused.ok) batch.rejections.push(refused.rejection);
      return;
    }
    if (!FINAL_STAGES.has(event.data.stage)) {
      batch.skipped.push({ auditID: event.data.auditID, stage: event.data.stage });
      return;
    }
    const candidate = toEnvelope(event.data, cluster, deps);
    const checked = AuditEventSchema.safeParse(candidate);
    if (checked.success) batch.events.push(checked.data);
    else {
      const refused = shapeRejection(ORIGIN, item, checked.error, ['envelope']);
      if (!refused.ok) batch.rejections.push({ ...refused.rejection, reason: 'invalid-envelope' });
    }
  });
  return batch;
}

function onlyRejection(result: ReturnType<typeof rejection>): KubernetesAuditBatch {
  return { events: [], rejections: result.ok ? [] : [result.rejection], skipped: [] };
}

function toEnvelope(event: KubernetesAuditEvent, cluster: string, deps: NormaliserDeps): unknown {
  const ref = event.objectRef;
  const resource =
    ref?.resource === undefined
      ? 'nonresource'
      : kebabCase([ref.resource, ref.subresource].filter(Boolean).join('-'));
  const where = [ref?.namespace, ref?.name].filter((part) => part !== undefined && part !== '');
  return {
    id: `k8s:${cluster}:${event.auditID}`,
    time: new Date(event.requestReceivedTimestamp).toISOString(),
    source: INGEST_SOURCES.kubernetesAudit,
    action: `${INGEST_ACTION_PREFIX.kubernetes}.${resource}.${kebabCase(event.verb)}`,
    actor: actorOf(event.user.username, event.user.groups),
    target: {
      type: `${INGEST_ACTION_PREFIX.kubernetes}.${resource}`,
      id: [cluster, ...(where.length > 0 ? where : [event.requestURI])].join('/'),
    },
    outcome: outcomeOf(event),
    details: {
      origin: ORIGIN,
      cluster,
      verb: event.verb,
      stage: event.stage,
      requestURI: event.requestURI,
      ...(ref !== undefined ? { objectRef: ref } : {}),
      ...(event.responseStatus?.code !== undefined
        ? { responseCode: event.responseStatus.code }
        : {}),
      ...(event.user.groups !== undefined ? { groups: event.user.groups } : {}),
      ...(event.impersonatedUser !== undefined
        ? { impersonatedUser: event.impersonatedUser.username }
        : {}),
      ...(event.sourceIPs !== undefined ? { sourceIPs: event.sourceIPs } : {}),
      ...(event.userAgent !== undefined ? { userAgent: event.userAgent } : {}),
      ...(event.annotations !== undefined ? { annotations: event.annotations } : {}),
    },
    correlationId: event.auditID,
    ...(deps.nextSequence !== undefined ? { sequence: deps.nextSequence() } : {}),
  };
}

function actorOf(username: string, groups: readonly string[] | undefined): AuditActor {
  if (username === 'system:anonymous')
    return { principal: username, kind: 'anonymous', mfa: false };
  // The API server does not say how a person authenticated, so MFA is never claimed here.
  // Its groups are the ones it authenticated (e.g. the OIDC groups claim): enrichment maps them
  // to teams; its own `system:` groups name no team.
  const verified = (groups ?? []).filter((group) => !group.startsWith('system:'));
  return {
    principal: username,
    kind: username.startsWith('system:') ? 'service' : 'human',
    mfa: false,
    ...(groups !== undefined ? { groups: verified } : {}),
  };
}

function outcomeOf(event: KubernetesAuditEvent): AuditOutcome {
  const code = event.responseStatus?.code;
  if (event.stage === 'Panic' || code === undefined) return 'failure';
  if (code === 401 || code === 403) return 'denied';
  return code >= 400 ? 'failure' : 'success';
}
