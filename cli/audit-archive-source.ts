import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import type { Command } from 'commander';
import {
  AUDIT_ARCHIVE_STREAM,
  AuditBatchHeaderSchema,
  auditArchiveKeys,
} from '../lambdas/contracts/audit-archive';
import { AuditEventSchema, type AuditEvent } from '../lambdas/contracts/audit-event';
import { S3ArchiveStore } from '../lambdas/adapters/audit/s3-archive-store';
import { splitBatchText } from '../lambdas/core/audit/archive-batch';
import type { StoredObject } from '../lambdas/core/audit/archive-verifier';
import type { CliIo } from './io';
import { askRuntime } from './local-admin';
import { UsageError } from './rule-source';

/** The options every `ward audit` command takes to find the archive. */
export interface ArchiveLocationOptions {
  bucket?: string;
  keyId?: string;
  stream: string;
}

export function archiveLocationOptions(command: Command): Command {
  return command
    .option('--bucket <name>', 'the archive bucket (default: the running local runtime’s)')
    .option(
      '--key-id <id>',
      'the digest key (id, ARN or alias; default: alias/ward-<stage>-audit-digest)',
    )
    .option('--stream <name>', 'the chain to read', AUDIT_ARCHIVE_STREAM);
}

export interface ArchiveSource {
  readonly store: S3ArchiveStore;
  readonly kms: KMSClient;
  readonly bucket: string;
  readonly keyId: string;
  readonly stream: string;
}

const BUCKET_NAME = /^ward-([a-z0-9]+)-audit-archive-/;

/**
 * Where the archive is: the bucket named by `--bucket` with the SDK's usual configuration
 * (AWS), or else the running local runtime's archive bucket and KMS stand-in, found through
 * its state file as `ward alerts` finds its table.
 */
export async function archiveSource(
  io: CliIo,
  options: ArchiveLocationOptions,
): Promise<ArchiveSource> {
  let endpoint: string | undefined;
  let bucket = options.bucket;
  if (bucket === undefined) {
    const { state, answer } = await askRuntime<{ engines: { s3: { buckets: string[] } } }>(
      io,
      'status',
    );
    bucket = answer.engines.s3.buckets.find((name) => BUCKET_NAME.test(name));
    if (bucket === undefined)
      throw new UsageError('the local runtime has no audit archive bucket; name one with --bucket');
    endpoint = state.awsEndpoint;
  }
  const stage = BUCKET_NAME.exec(bucket)?.[1];
  const keyId = options.keyId ?? (stage ? `alias/ward-${stage}-audit-digest` : undefined);
  if (keyId === undefined)
    throw new UsageError(`cannot tell the digest key from bucket ${bucket}; name it with --key-id`);
  const local =
    endpoint === undefined
      ? {}
      : {
          endpoint,
          region: io.env.AWS_REGION ?? 'eu-west-2',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        };
  return {
    store: new S3ArchiveStore({
      client: new S3Client({ ...local, ...(endpoint ? { forcePathStyle: true } : {}) }),
      bucket,
    }),
    kms: new KMSClient(local),
    bucket,
    keyId,
    stream: options.stream,
  };
}

/** A batch's events, or none when the batch is unreadable (`ward audit verify` says why). */
export function eventsOf(batch: StoredObject): AuditEvent[] {
  const { headerLine, content } = splitBatchText(batch.text);
  const header = AuditBatchHeaderSchema.safeParse(safeJson(headerLine));
  if (!header.success) return [];
  return content
    .split('\n')
    .filter((line) => line !== '')
    .flatMap((line) => {
      const event = AuditEventSchema.safeParse(safeJson(line));
      return event.success ? [event.data] : [];
    });
}

export const batchPrefix = (stream: string) =>
  auditArchiveKeys.batch(stream, 0).replace(/\d+\.jsonl$/, '');
export const digestPrefix = (stream: string) =>
  auditArchiveKeys.digest(stream, 0).replace(/\d+\.json$/, '');

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** One line per event for people: when, who, what, on what, how it went. */
export function eventLine(event: AuditEvent): string {
  return `${event.time}  ${event.actor.principal}  ${event.action}  ${event.target.type}:${event.target.id}  ${event.outcome}`;
}
