import { z } from 'zod';

/**
 * Who a registry write was made for. The registry's writer records it, before staging
 * anything, in a writer intent item (`TXLOG#<tx>` / `INTENT`), which outlives the write by the
 * journal's TTL; the registry stream producer reads it to tell the approval workflow's writes
 * from everyone else's.
 */
export const WriteAttributionSchema = z.strictObject({
  /** The change request the write applies; only the approval workflow's apply step sets it. */
  changeId: z.string().min(1),
});
export type WriteAttribution = z.infer<typeof WriteAttributionSchema>;

/** The sort key of a writer's intent item, beside its journal parts (`PART#...`). */
export const WRITER_INTENT_SORT_KEY = 'INTENT';
export const WRITER_INTENT_ENTITY = 'ruleset:intent';

export const WriterIntentSchema = z.object({
  txId: z.string().min(1),
  baseVersion: z.number().int().nonnegative(),
  createdAtMs: z.number().int(),
  /** Absent: the write was made for no change request (an import, a script). */
  writtenFor: WriteAttributionSchema.optional(),
});
export type WriterIntent = z.infer<typeof WriterIntentSchema>;

/** The partition of writer `txId`'s journal and intent. */
export const writerPartition = (txId: string) => `TXLOG#${txId}`;

/** The `entity` of every rule item starts so (services, teams, ingress, egress, grants). */
export const RULE_ENTITY_PREFIX = 'rule:';

/** The head item: the committed version, its hash, the lease and the aborted writers. */
export const HEAD_ITEM_KEY = { pk: 'RULESET', sk: 'HEAD' } as const;
