import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  GetCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { AuditEvent } from '../../contracts/audit-event';
import type { DrillRecord, EventNote, GrantRecord } from '../../core/break-glass/drill';
import type { Grant } from '../../core/break-glass/grant';
import type {
  DrillStore,
  EventSpool,
  GrantStore,
  RoleAssumption,
} from '../../core/break-glass/ports';

const GRANTS = 'GRANT';
const ROLES = 'ROLE';
const SPOOL = 'SPOOL';
const drills = (stage: string) => `DRILL#${stage}`;

/**
 * The break-glass function's own table: grants (`GRANT`, one item per grant, its status beside
 * it for conditioned updates), emergency role sessions (`ROLE`), audit events the bus did not
 * take (`SPOOL`, oldest first) and drills (`DRILL#<stage>`). Break glass touches no other table.
 */
export class DynamoBreakGlassStore implements GrantStore, EventSpool, DrillStore {
  constructor(
    private readonly deps: { readonly client: DynamoDBDocumentClient; readonly tableName: string },
  ) {}

  async create(record: GrantRecord): Promise<void> {
    await this.deps.client.send(
      new PutCommand({
        TableName: this.deps.tableName,
        Item: { pk: GRANTS, sk: record.grant.id, status: record.grant.status, ...record },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(id: string): Promise<GrantRecord | undefined> {
    const { Item } = await this.deps.client.send(
      new GetCommand({
        TableName: this.deps.tableName,
        Key: { pk: GRANTS, sk: id },
        ConsistentRead: true,
      }),
    );
    return Item === undefined ? undefined : recordOf(Item);
  }

  async replaceGrant(grant: Grant, expectedStatus: Grant['status']): Promise<boolean> {
    try {
      await this.deps.client.send(
        new UpdateCommand({
          TableName: this.deps.tableName,
          Key: { pk: GRANTS, sk: grant.id },
          UpdateExpression: 'SET #grant = :grant, #status = :status',
          ConditionExpression: '#status = :expected',
          ExpressionAttributeNames: { '#grant': 'grant', '#status': 'status' },
          ExpressionAttributeValues: {
            ':grant': grant,
            ':status': grant.status,
            ':expected': expectedStatus,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async addEvents(id: string, events: readonly EventNote[]): Promise<void> {
    await this.deps.client.send(
      new UpdateCommand({
        TableName: this.deps.tableName,
        Key: { pk: GRANTS, sk: id },
        UpdateExpression: 'SET #events = list_append(if_not_exists(#events, :none), :events)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#events': 'events' },
        ExpressionAttributeValues: { ':events': events, ':none': [] },
      }),
    );
  }

  async setPageReceived(id: string, at: string): Promise<void> {
    await this.deps.client.send(
      new UpdateCommand({
        TableName: this.deps.tableName,
        Key: { pk: GRANTS, sk: id },
        UpdateExpression: 'SET pageReceivedAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }

  async recordRole(assumption: RoleAssumption): Promise<void> {
    await this.deps.client.send(
      new PutCommand({
        TableName: this.deps.tableName,
        Item: { pk: ROLES, sk: `${assumption.at}#${assumption.id}`, ...assumption },
      }),
    );
  }

  async active(): Promise<GrantRecord[]> {
    const items = await this.query(GRANTS, {
      filter: '#status = :active',
      values: { ':active': 'active' },
    });
    return items.map(recordOf);
  }

  async put(events: readonly AuditEvent[]): Promise<void> {
    for (const event of events)
      await this.deps.client.send(
        new PutCommand({
          TableName: this.deps.tableName,
          Item: { pk: SPOOL, sk: `${event.time}#${event.id}`, event },
        }),
      );
  }

  async pending(): Promise<AuditEvent[]> {
    return (await this.query(SPOOL)).map((item) => item.event as AuditEvent);
  }

  async remove(ids: readonly string[]): Promise<void> {
    const wanted = new Set(ids);
    for (const item of await this.query(SPOOL)) {
      const event = item.event as AuditEvent;
      if (wanted.has(event.id))
        await this.deps.client.send(
          new DeleteCommand({ TableName: this.deps.tableName, Key: { pk: SPOOL, sk: item.sk } }),
        );
    }
  }

  async record(drill: DrillRecord): Promise<void> {
    await this.deps.client.send(
      new PutCommand({
        TableName: this.deps.tableName,
        Item: {
          pk: drills(drill.stage),
          sk: `${drill.at}#${drill.id}`,
          passed: drill.passed,
          drill,
        },
      }),
    );
  }

  async lastPassed(stage: string): Promise<DrillRecord | undefined> {
    const items = await this.query(drills(stage), {
      filter: 'passed = :yes',
      values: { ':yes': true },
      newestFirst: true,
    });
    return items[0]?.drill as DrillRecord | undefined;
  }

  private async query(
    pk: string,
    options: { filter?: string; values?: Record<string, unknown>; newestFirst?: boolean } = {},
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.deps.client.send(
        new QueryCommand({
          TableName: this.deps.tableName,
          KeyConditionExpression: 'pk = :pk',
          ConsistentRead: true,
          ScanIndexForward: options.newestFirst !== true,
          ...(options.filter !== undefined ? { FilterExpression: options.filter } : {}),
          ...(options.filter?.includes('#status') === true
            ? { ExpressionAttributeNames: { '#status': 'status' } }
            : {}),
          ExpressionAttributeValues: { ':pk': pk, ...options.values },
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(page.Items ?? []));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return items;
  }
}

function recordOf(item: Record<string, unknown>): GrantRecord {
  return {
    grant: item.grant as Grant,
    pageMessageId: String(item.pageMessageId),
    ...(typeof item.pageReceivedAt === 'string' ? { pageReceivedAt: item.pageReceivedAt } : {}),
    events: (item.events as EventNote[] | undefined) ?? [],
  };
}
