/**
 * Names of audit sources and actions outside the approval flow: events Ward ingests from AWS
 * and Kubernetes, and the events of features (promotion, break glass, the registry stream)
 * that detections watch. Producers and detections import these, so no name is written twice.
 */

/**
 * Envelope `source` of normalised external events. They stay inside `ward.*` on purpose:
 * the envelope's source becomes the EventBridge `Source` when the event is put on the audit
 * bus, and EventBridge refuses PutEvents for sources beginning `aws.`
 * (NotAuthorizedForSourceException). The component that vouches for the envelope is Ward's
 * ingest function; the origin is kept in `details.origin`.
 */
export const INGEST_SOURCES = {
  cloudTrail: 'ward.ingest.cloudtrail',
  kubernetesAudit: 'ward.ingest.k8s-audit',
} as const;

/** What EventBridge calls a CloudTrail management event it delivers. */
export const CLOUDTRAIL_DETAIL_TYPE = 'AWS API Call via CloudTrail';

/** The only Kubernetes audit API version the webhook endpoint accepts. */
export const KUBERNETES_AUDIT_API_VERSION = 'audit.k8s.io/v1';

/**
 * Ingested actions are namespaced by origin: `aws.<service>.<api-call-in-kebab-case>`
 * (e.g. `aws.cloudtrail.stop-logging`) and `k8s.<resource>.<verb>`
 * (e.g. `k8s.networkpolicies.delete`), so they never collide with Ward's own actions.
 */
export const INGEST_ACTION_PREFIX = { aws: 'aws', kubernetes: 'k8s' } as const;

/** Actions of the break-glass path (issue 8). */
export const BreakGlassAuditAction = {
  granted: 'breakglass.granted',
  roleAssumed: 'breakglass.role.assumed',
  revoked: 'breakglass.revoked',
  expired: 'breakglass.expired',
  /** A second person confirmed a grant to a critical target. */
  confirmed: 'breakglass.confirmed',
  drillPassed: 'breakglass.drill.passed',
  drillFailed: 'breakglass.drill.failed',
  /** The daily look at the drill record (details: `lastPassedAt`, `periodDays`). */
  drillChecked: 'breakglass.drill.checked',
} as const;

/** Envelope `source` of the break-glass function's events. */
export const BREAK_GLASS_SOURCE = 'ward.break-glass';

/** Actions of the promotion workflow (issue 6); details carry `stage` and `bundleSha256`. */
export const PromotionAuditAction = {
  stageApplied: 'promotion.stage.applied',
  stageVerified: 'promotion.stage.verified',
  stageFailed: 'promotion.stage.failed',
  drift: 'promotion.drift',
} as const;

/** Source of events derived from the registry table's DynamoDB stream. */
export const REGISTRY_STREAM_SOURCE = 'ward.registry-stream';

/**
 * Actions derived from the registry table's stream. `committed` is the head item moving to a
 * new version (details: `version`, `commitTxId`, and `changeId` when the approval workflow
 * wrote it); `itemWritten` is any rule item put or changed (details: `pk`, `sk`, `entity`,
 * `txId`).
 */
export const RegistryStreamAction = {
  committed: 'registry.ruleset.committed',
  itemWritten: 'registry.item.written',
} as const;

/** Source of the audit archive's own events: its scheduled verifier's results. */
export const ARCHIVE_SOURCE = 'ward.audit-archive';

/**
 * Actions of the archive's verifier; details carry the range checked, the counts and the
 * problems found (`ArchiveProblem` of core/audit/archive-verifier.ts).
 */
export const ArchiveAuditAction = {
  verified: 'audit.archive.verified',
  verificationFailed: 'audit.archive.verification-failed',
} as const;
