import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent, DynamoDBRecord } from 'aws-lambda';
import { AUDIT_METRICS, metricSource } from '../../contracts/audit-metrics';
import {
  changesOf,
  registryStreamEvents,
  writersOf,
  type RegistryStreamRecord,
} from '../../core/audit/registry-stream';
import { ingest, logger } from './ingest-context';
import { countBySource } from './pipeline-metrics';

type Image = Record<string, AttributeValue>;
const image = (value: unknown) =>
  value === undefined ? undefined : unmarshall(value as Image, { wrapNumbers: false });

/** A stream record as core reads it. A record without keys or a known event name is a bug: it throws. */
export function streamRecordOf(record: DynamoDBRecord): RegistryStreamRecord {
  const keys = image(record.dynamodb?.Keys) ?? {};
  const eventName = record.eventName;
  if (record.eventID === undefined || eventName === undefined || keys.pk === undefined)
    throw new Error(`a registry stream record without an id, event name or key: ${record.eventID}`);
  const seconds = record.dynamodb?.ApproximateCreationDateTime;
  const newImage = image(record.dynamodb?.NewImage);
  const oldImage = image(record.dynamodb?.OldImage);
  return {
    eventId: record.eventID,
    eventName,
    at: new Date(seconds !== undefined ? seconds * 1000 : Date.now()).toISOString(),
    keys: { pk: String(keys.pk), sk: String(keys.sk ?? '') },
    ...(newImage !== undefined ? { newImage } : {}),
    ...(oldImage !== undefined ? { oldImage } : {}),
  };
}

/**
 * The registry table's stream (rule items and the head, as the event source mapping filters
 * it) onto the audit bus: one event per rule item written and per commit, each naming its
 * writer, so `registry-write-outside-workflow` sees direct writes. Any failure fails the
 * batch: the mapping retries it and then sends it to the stream's dead-letter queue.
 */
export async function handler(event: DynamoDBStreamEvent): Promise<void> {
  const records = event.Records.map(streamRecordOf);
  const facts = ingest.registryFacts();
  const [head, intents] = await Promise.all([facts.head(), facts.intents(writersOf(records))]);
  const changes = await facts.changesById(changesOf(intents));
  const events = registryStreamEvents(records, { ...head, intents, changes });
  countBySource(AUDIT_METRICS.eventsIn, metricSource.registryStream, events.length);
  await ingest.audit().publish(events);
  const unrecognised = events.filter(
    (e) => (e.details.writer as { kind?: string } | undefined)?.kind === 'unrecognised',
  );
  if (unrecognised.length > 0)
    logger.warn('registry writes by an unrecognised writer', {
      count: unrecognised.length,
      first: unrecognised[0]?.target.id,
      writer: unrecognised[0]?.details.writer,
    });
}
