import { z } from 'zod';

/**
 * The one envelope every audit event travels in, whoever emits it. Producers (handlers,
 * workflows, the CLI) and consumers (archive, detections) both validate against this schema,
 * so it lives in contracts.
 */
export const AuditActorSchema = z.strictObject({
  principal: z.string().min(1, 'actor.principal must name who acted'),
  /** `anonymous`: no verified identity, e.g. a request refused for a missing or bad token. */
  kind: z.enum(['human', 'service', 'anonymous']),
  mfa: z.boolean(),
  /**
   * The actor's identity-provider groups as the producer verified them (the token's groups
   * claim, or the groups the Kubernetes API server authenticated). Enrichment maps them to
   * teams; absent when the producer verified none (CloudTrail, refused requests), and then the
   * actor's teams are unknown, never guessed.
   */
  groups: z.array(z.string().min(1).max(256)).max(200).optional(),
});

export const AuditTargetSchema = z.strictObject({
  type: z.string().min(1),
  id: z.string().min(1),
});

export const AuditOutcomeSchema = z.enum(['success', 'failure', 'denied']);

/**
 * Where an event stands in its producer's own numbering, so that an event dropped or
 * suppressed between producer and archive shows as a gap (the archive verifier checks it).
 * `producer` names one numbering: a source plus one running instance of it (e.g.
 * `ward.approvals/<execution environment id>`), because concurrent instances of a function
 * cannot share a gap-free counter without a round trip per event. `number` starts at 1 and
 * rises by one per event that instance emits. Optional so that events of producers that do
 * not number yet stay valid; it is an envelope field, not a `details` key, so the verifier
 * reads a schema-checked value rather than free-form data.
 */
export const AuditSequenceSchema = z.strictObject({
  producer: z.string().min(1).max(256),
  number: z.number().int().positive(),
});

export const AuditEventSchema = z.strictObject({
  id: z.string().min(1),
  time: z.iso.datetime({ offset: false }),
  source: z.string().regex(/^ward(\.[a-z0-9-]+)+$/, 'source must look like "ward.<component>"'),
  action: z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'action must look like "noun.verb"'),
  actor: AuditActorSchema,
  target: AuditTargetSchema,
  outcome: AuditOutcomeSchema,
  details: z.record(z.string(), z.unknown()),
  correlationId: z.string().min(1),
  sequence: AuditSequenceSchema.optional(),
});

export type AuditActor = z.infer<typeof AuditActorSchema>;
export type AuditTarget = z.infer<typeof AuditTargetSchema>;
export type AuditOutcome = z.infer<typeof AuditOutcomeSchema>;
export type AuditSequence = z.infer<typeof AuditSequenceSchema>;
export type AuditEvent = z.infer<typeof AuditEventSchema>;

/** The EventBridge detail-type every Ward audit event is published with. */
export const AUDIT_EVENT_DETAIL_TYPE = 'Ward Audit Event';
