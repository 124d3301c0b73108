import { z } from 'zod';

/** How bad a finding is; only `critical` pages. */
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export const SeveritySchema = z.enum(SEVERITIES);
export type Severity = z.infer<typeof SeveritySchema>;

/**
 * One alert as published to the alerts topic (and the page topic when critical) and as
 * `ward alerts --format json` prints it: findings of one dedup key inside one window.
 */
export const AlertSchema = z.strictObject({
  id: z.string().min(1),
  detection: z.string().min(1),
  severity: SeveritySchema,
  count: z.number().int().positive(),
  paged: z.boolean(),
  summary: z.string().min(1),
  /** Ids of the audit events behind the alert (the first ones, capped). */
  events: z.array(z.string()),
  /** A command that shows those events, e.g. `ward audit search --actor ... --since ...`. */
  command: z.string().min(1),
  firstAt: z.iso.datetime({ offset: false }),
  lastAt: z.iso.datetime({ offset: false }),
  /** Teams told besides security (e.g. a critical service's owners). */
  notifyTeams: z.array(z.string()),
});
export type Alert = z.infer<typeof AlertSchema>;
