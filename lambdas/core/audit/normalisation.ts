import type { z } from 'zod';
import type { AuditEvent, AuditSequence } from '../../contracts/audit-event';

/** Why an input could not become an audit event; adapters count rejections by this code. */
export type RejectionReason =
  | 'not-json'
  | 'wrong-shape'
  | 'unsupported-detail-type'
  | 'unsupported-api-version'
  | 'invalid-envelope';

/**
 * An input a normaliser refused. It carries the input itself so the adapter can send it to
 * the dead-letter queue as it arrived: a malformed event is evidence too, never dropped.
 */
export interface NormalisationRejection {
  readonly origin: string;
  readonly reason: RejectionReason;
  /** Dotted path of the first offending field, '' for the input as a whole. */
  readonly path: string;
  readonly message: string;
  readonly input: unknown;
}

export type Normalised =
  | { readonly ok: true; readonly event: AuditEvent }
  | { readonly ok: false; readonly rejection: NormalisationRejection };

/** What a normaliser needs from outside. Ids come from the origin, so redelivery is idempotent. */
export interface NormaliserDeps {
  /** The normalising instance's numbering (see `createSequencer`), so ingest drops show as gaps. */
  readonly nextSequence?: () => AuditSequence;
}

export function rejection(
  origin: string,
  reason: RejectionReason,
  input: unknown,
  message: string,
  path = '',
): Normalised {
  return { ok: false, rejection: { origin, reason, path, message, input } };
}

/** The first zod issue, as a rejection naming the field (under `prefix`, e.g. `detail`). */
export function shapeRejection(
  origin: string,
  input: unknown,
  error: z.ZodError,
  prefix: readonly PropertyKey[] = [],
): Normalised {
  const issue = error.issues[0];
  const path = [...prefix, ...(issue?.path ?? [])].map(String).join('.');
  return rejection(
    origin,
    'wrong-shape',
    input,
    `${path === '' ? 'the input' : path}: ${issue?.message ?? 'does not match'}`,
    path,
  );
}

/** Turns `StopLogging` or `PutBucketPolicy` into `stop-logging`, `put-bucket-policy`. */
export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .toLowerCase();
}
