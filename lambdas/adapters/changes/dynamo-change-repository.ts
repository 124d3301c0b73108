import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { CHANGE_PARTITION_PREFIX, RegistryTableKeys as KEY } from '../../contracts/registry-table';
import type { ChangeRequest } from '../../core/approvals/change-request';
import {
  ChangeRevisionConflictError,
  type ChangeQuery,
  type ChangeRepository,
  type StoredChange,
} from '../../core/approvals/ports';

const META = 'META';
const LIST_ALL = 'CHANGES#ALL';
const byTeam = (team: string) => `CHANGES#TEAM#${team}`;
const byProposer = (principal: string) => `CHANGES#PROPOSER#${principal}`;
const pk = (id: string) => `${CHANGE_PARTITION_PREFIX}${id}`;

export class ChangeExistsError extends Error {
  override readonly name = 'ChangeExistsError';
}

/**
 * Change requests in the registry table. One META item per request holds the whole request,
 * its revision (the optimistic lock every decision writes under) and the workflow's task token;
 * small index items, written with it in one transaction, list it for each team that must
 * approve, for its proposer, and in the list of all changes (all through gsi1).
 */
export class DynamoChangeRepository implements ChangeRepository {
  constructor(
    private readonly deps: { readonly client: DynamoDBDocumentClient; readonly tableName: string },
  ) {}

  async create(request: ChangeRequest): Promise<StoredChange> {
    const sortKey = `${request.createdAt}#${request.id}`;
    const indexItem = (sk: string, gsi1pk: string) => ({
      Put: {
        TableName: this.deps.tableName,
        Item: {
          [KEY.partitionKey]: pk(request.id),
          [KEY.sortKey]: sk,
          [KEY.reverseIndex.partitionKey]: gsi1pk,
          [KEY.reverseIndex.sortKey]: sortKey,
          changeId: request.id,
        },
      },
    });
    try {
      await this.deps.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.deps.tableName,
                Item: {
                  [KEY.partitionKey]: pk(request.id),
                  [KEY.sortKey]: META,
                  [KEY.reverseIndex.partitionKey]: byProposer(request.proposer),
                  [KEY.reverseIndex.sortKey]: sortKey,
                  request,
                  state: request.state,
                  revision: 1,
                },
                ConditionExpression: 'attribute_not_exists(#pk)',
                ExpressionAttributeNames: { '#pk': KEY.partitionKey },
              },
            },
            indexItem('LIST', LIST_ALL),
            ...request.requirements.map((r) => indexItem(`TEAM#${r.team}`, byTeam(r.team))),
          ],
        }),
      );
    } catch (error) {
      if (
        error instanceof TransactionCanceledException &&
        error.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed'
      ) {
        throw new ChangeExistsError(`change ${request.id} exists`, { cause: error });
      }
      throw error;
    }
    return { request, revision: 1 };
  }

  async get(id: string): Promise<StoredChange | undefined> {
    const { Item } = await this.deps.client.send(
      new GetCommand({
        TableName: this.deps.tableName,
        Key: { [KEY.partitionKey]: pk(id), [KEY.sortKey]: META },
        ConsistentRead: true,
      }),
    );
    return Item === undefined ? undefined : stored(Item);
  }

  async update(next: ChangeRequest, expectedRevision: number): Promise<StoredChange> {
    try {
      const { Attributes } = await this.deps.client.send(
        new UpdateCommand({
          TableName: this.deps.tableName,
          Key: { [KEY.partitionKey]: pk(next.id), [KEY.sortKey]: META },
          UpdateExpression: 'SET #request = :request, #state = :state, #revision = :next',
          ConditionExpression: '#revision = :expected',
          ExpressionAttributeNames: {
            '#request': 'request',
            '#state': 'state',
            '#revision': 'revision',
          },
          ExpressionAttributeValues: {
            ':request': next,
            ':state': next.state,
            ':expected': expectedRevision,
            ':next': expectedRevision + 1,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return stored(Attributes ?? {});
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new ChangeRevisionConflictError(
          `change ${next.id} changed since revision ${expectedRevision}`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  async attachTaskToken(id: string, token: string): Promise<StoredChange> {
    const { Attributes } = await this.deps.client.send(
      new UpdateCommand({
        TableName: this.deps.tableName,
        Key: { [KEY.partitionKey]: pk(id), [KEY.sortKey]: META },
        UpdateExpression: 'SET #token = :token',
        ConditionExpression: 'attribute_exists(#pk)',
        ExpressionAttributeNames: { '#token': 'taskToken', '#pk': KEY.partitionKey },
        ExpressionAttributeValues: { ':token': token },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return stored(Attributes ?? {});
  }

  async list(query: ChangeQuery): Promise<ChangeRequest[]> {
    const partition =
      query.team !== undefined
        ? byTeam(query.team)
        : query.proposer !== undefined
          ? byProposer(query.proposer)
          : LIST_ALL;
    const ids: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.deps.client.send(
        new QueryCommand({
          TableName: this.deps.tableName,
          IndexName: KEY.reverseIndex.name,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': KEY.reverseIndex.partitionKey },
          ExpressionAttributeValues: { ':pk': partition },
          ScanIndexForward: false,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? [])
        ids.push(
          String(
            item.changeId ?? String(item[KEY.partitionKey]).slice(CHANGE_PARTITION_PREFIX.length),
          ),
        );
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined && ids.length < 1000);

    const requests: ChangeRequest[] = [];
    for (let i = 0; i < ids.length && requests.length < query.limit; i += 100) {
      const batch = ids.slice(i, i + 100);
      const { Responses } = await this.deps.client.send(
        new BatchGetCommand({
          RequestItems: {
            [this.deps.tableName]: {
              Keys: batch.map((id) => ({ [KEY.partitionKey]: pk(id), [KEY.sortKey]: META })),
            },
          },
        }),
      );
      const found = new Map(
        (Responses?.[this.deps.tableName] ?? []).map((item) => [
          String(item[KEY.partitionKey]),
          item.request as ChangeRequest,
        ]),
      );
      for (const id of batch) {
        const request = found.get(pk(id));
        if (request !== undefined && (query.state === undefined || request.state === query.state))
          requests.push(request);
      }
    }
    return requests.slice(0, query.limit);
  }
}

function stored(item: Record<string, unknown>): StoredChange {
  return {
    request: item.request as ChangeRequest,
    revision: Number(item.revision),
    ...(typeof item.taskToken === 'string' ? { taskToken: item.taskToken } : {}),
  };
}
