import {
  BatchGetCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { AlertSchema, type Alert } from '../../contracts/audit-alerts';
import { AUDIT_PARTITION_PREFIX, RegistryTableKeys } from '../../contracts/registry-table';
import type { OutboxMessage, PublishLease } from '../../core/audit/alert-outbox';
import type { OpenAlert } from '../../core/audit/alerts';

/** A stored item's revision, so a write can say "only if nobody wrote since I read". */
export interface Versioned<T> {
  readonly value: T | undefined;
  /** 0 when no item exists (an expired item still has its revision until TTL removes it). */
  readonly revision: number;
}

/** An open alert with the messages it still has to publish and who is publishing them. */
export interface OpenAlertRecord {
  readonly alert: OpenAlert;
  readonly outbox: readonly OutboxMessage[];
  readonly lease?: PublishLease;
}

export type StateWrite = {
  readonly id: string;
  readonly revision: number;
  /** Undefined: the detection let go of its state; the item is deleted. */
  readonly value?: { readonly value: unknown; readonly expiresAtMs: number };
};

export interface AlertWrite {
  readonly record: OpenAlertRecord;
  /** The revision read; the item is written at the next one. */
  readonly revision: number;
}

/** The condition part of a transaction's Put or Delete. */
interface Condition {
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/** Someone else wrote one of the items since they were read: read again and redo the batch. */
export class DetectionStoreConflictError extends Error {
  override readonly name = 'DetectionStoreConflictError';
}

export class DetectionStoreError extends Error {
  override readonly name = 'DetectionStoreError';
}

const { partitionKey: PK, sortKey: SK, timeToLiveAttribute: TTL } = RegistryTableKeys;
export const detectionKeys = {
  state: (id: string) => ({ [PK]: `${AUDIT_PARTITION_PREFIX}STATE#${id}`, [SK]: 'STATE' }),
  open: (dedupKey: string) => ({
    [PK]: `${AUDIT_PARTITION_PREFIX}OPEN#${dedupKey}`,
    [SK]: 'ALERT',
  }),
  /** One partition per day of alerts, so `ward alerts` reads a day with one Query. */
  history: (alert: Alert) => ({
    [PK]: historyPartition(alert.firstAt.slice(0, 10)),
    [SK]: `${alert.firstAt}#${alert.id}`,
  }),
};
const historyPartition = (day: string) => `${AUDIT_PARTITION_PREFIX}ALERTS#${day}`;

/** Open alerts outlive their window by this much, so a late retry still finds them. */
const OPEN_ALERT_GRACE_MS = 60 * 60_000;
/** How long `ward alerts` can look back. */
export const ALERT_HISTORY_DAYS = 30;
const TRANSACTION_LIMIT = 100;
const BATCH_GET_LIMIT = 100;
const epochSeconds = (ms: number) => Math.ceil(ms / 1000);

/**
 * Detection state, open alerts and alert history in the registry table under the `AUDIT#`
 * prefix. Every write of a batch goes in one transaction conditioned on the revisions read,
 * so concurrent invocations (EventBridge runs one per event) never lose a count.
 */
export class DynamoDetectionStore {
  constructor(
    private readonly deps: {
      readonly client: DynamoDBDocumentClient;
      readonly tableName: string;
      readonly now?: () => Date;
    },
  ) {}

  /** States by id; expired ones read as absent (TTL deletes lazily) but keep their revision. */
  async loadStates(ids: readonly string[]): Promise<Map<string, Versioned<unknown>>> {
    const items = await this.getAll(ids.map(detectionKeys.state));
    const nowMs = (this.deps.now?.() ?? new Date()).getTime();
    return new Map(
      ids.map((id) => {
        const item = items.get(detectionKeys.state(id)[PK]);
        if (item === undefined) return [id, { value: undefined, revision: 0 }];
        const live = Number(item.expiresAtMs) > nowMs;
        return [id, { value: live ? item.value : undefined, revision: Number(item.revision) }];
      }),
    );
  }

  async loadOpenAlerts(
    dedupKeys: readonly string[],
  ): Promise<Map<string, Versioned<OpenAlertRecord>>> {
    const items = await this.getAll(dedupKeys.map(detectionKeys.open));
    return new Map(
      dedupKeys.map((dedupKey) => {
        const item = items.get(detectionKeys.open(dedupKey)[PK]);
        return [
          dedupKey,
          item === undefined
            ? { value: undefined, revision: 0 }
            : { value: openAlertRecord(item), revision: Number(item.revision) },
        ];
      }),
    );
  }

  /** Writes states, open alerts and their history rows at once, or throws a conflict. */
  async commit(states: readonly StateWrite[], alerts: readonly AlertWrite[]): Promise<void> {
    const expected = (revision: number): Condition =>
      revision === 0
        ? {
            ConditionExpression: 'attribute_not_exists(#pk)',
            ExpressionAttributeNames: { '#pk': PK },
          }
        : {
            ConditionExpression: '#revision = :revision',
            ExpressionAttributeNames: { '#revision': 'revision' },
            ExpressionAttributeValues: { ':revision': revision },
          };
    const table = this.deps.tableName;
    const writes = [
      ...states.map((state) =>
        state.value === undefined
          ? state.revision === 0
            ? undefined
            : {
                Delete: {
                  TableName: table,
                  Key: detectionKeys.state(state.id),
                  ...expected(state.revision),
                },
              }
          : {
              Put: {
                TableName: table,
                Item: {
                  ...detectionKeys.state(state.id),
                  value: state.value.value,
                  expiresAtMs: state.value.expiresAtMs,
                  [TTL]: epochSeconds(state.value.expiresAtMs),
                  revision: state.revision + 1,
                },
                ...expected(state.revision),
              },
            },
      ),
      ...alerts.flatMap(({ record: { alert, outbox, lease }, revision }) => [
        {
          Put: {
            TableName: table,
            Item: {
              ...detectionKeys.open(alert.dedupKey),
              alert,
              outbox,
              ...(lease !== undefined ? { lease } : {}),
              [TTL]: epochSeconds(alert.windowEndsAtMs + OPEN_ALERT_GRACE_MS),
              revision: revision + 1,
            },
            ...expected(revision),
          },
        },
        {
          Put: {
            TableName: table,
            Item: {
              ...detectionKeys.history(alert),
              alert: publicAlert(alert),
              [TTL]: epochSeconds(Date.parse(alert.firstAt) + ALERT_HISTORY_DAYS * 86_400_000),
            },
          },
        },
      ]),
    ].filter((write) => write !== undefined);
    if (writes.length === 0) return;
    // One event touches a handful of items; the detector halves a batch that needs more.
    if (writes.length > TRANSACTION_LIMIT)
      throw new DetectionStoreError(
        `a detection batch needs ${writes.length} writes, more than one transaction holds (${TRANSACTION_LIMIT})`,
      );
    try {
      await this.deps.client.send(new TransactWriteCommand({ TransactItems: writes }));
    } catch (error) {
      const conflict =
        error instanceof TransactionCanceledException &&
        (error.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');
      if (conflict)
        throw new DetectionStoreConflictError('detection state moved while the batch ran', {
          cause: error,
        });
      throw error;
    }
  }

  /** Alerts first seen since `since`, oldest first, as published. */
  async listAlerts(since: Date, until: Date = new Date()): Promise<Alert[]> {
    const alerts: Alert[] = [];
    for (const day of daysBetween(since, until)) {
      let start: Record<string, unknown> | undefined;
      do {
        const page = await this.deps.client.send(
          new QueryCommand({
            TableName: this.deps.tableName,
            KeyConditionExpression: '#pk = :pk AND #sk >= :since',
            ExpressionAttributeNames: { '#pk': PK, '#sk': SK },
            ExpressionAttributeValues: {
              ':pk': historyPartition(day),
              ':since': since.toISOString(),
            },
            ConsistentRead: true,
            ExclusiveStartKey: start,
          }),
        );
        for (const item of page.Items ?? []) alerts.push(AlertSchema.parse(item.alert));
        start = page.LastEvaluatedKey;
      } while (start !== undefined);
    }
    return alerts;
  }

  private async getAll(
    keys: readonly Record<string, string>[],
  ): Promise<Map<string, Record<string, unknown>>> {
    const found = new Map<string, Record<string, unknown>>();
    for (let i = 0; i < keys.length; i += BATCH_GET_LIMIT) {
      let request: Record<string, unknown>[] = keys.slice(i, i + BATCH_GET_LIMIT);
      for (let attempt = 1; request.length > 0; attempt++) {
        if (attempt > 5)
          throw new DetectionStoreError(
            `${request.length} detection item(s) stayed unprocessed after 5 reads`,
          );
        const answer = await this.deps.client.send(
          new BatchGetCommand({
            RequestItems: { [this.deps.tableName]: { Keys: request, ConsistentRead: true } },
          }),
        );
        for (const item of answer.Responses?.[this.deps.tableName] ?? [])
          found.set(String(item[PK]), item);
        request = answer.UnprocessedKeys?.[this.deps.tableName]?.Keys ?? [];
        if (request.length > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
      }
    }
    return found;
  }
}

/** Reads an open alert's item as stored by `commit` and by the outbox. */
export function openAlertRecord(item: Record<string, unknown>): OpenAlertRecord {
  const lease = item.lease as PublishLease | undefined;
  return {
    alert: item.alert as OpenAlert,
    outbox: (item.outbox as OutboxMessage[] | undefined) ?? [],
    ...(lease !== undefined ? { lease } : {}),
  };
}

/** The alert as the topics and `ward alerts` show it, without the store's bookkeeping. */
export function publicAlert(alert: OpenAlert): Alert {
  return AlertSchema.parse({
    id: alert.id,
    detection: alert.detection,
    severity: alert.severity,
    count: alert.count,
    paged: alert.paged,
    summary: alert.summary,
    events: alert.events,
    command: alert.command,
    firstAt: alert.firstAt,
    lastAt: alert.lastAt,
    notifyTeams: alert.notifyTeams,
  });
}

function daysBetween(since: Date, until: Date): string[] {
  const days: string[] = [];
  const from = Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate());
  for (let day = from; day <= until.getTime(); day += 86_400_000)
    days.push(new Date(day).toISOString().slice(0, 10));
  return days;
}
