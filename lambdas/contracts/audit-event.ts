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
});

export const AuditTargetSchema = z.strictObject({
  type: z.string().min(1),
  id: z.string().min(1),
});

export const AuditOutcomeSchema = z.enum(['success', 'failure', 'denied']);

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
});

export type AuditActor = z.infer<typeof AuditActorSchema>;
export type AuditTarget = z.infer<typeof AuditTargetSchema>;
export type AuditOutcome = z.infer<typeof AuditOutcomeSchema>;
export type AuditEvent = z.infer<typeof AuditEventSchema>;

/** The EventBridge detail-type every Ward audit event is published with. */
export const AUDIT_EVENT_DETAIL_TYPE = 'Ward Audit Event';
