import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { STAGE_PARTITION_PREFIX, RegistryTableKeys as KEY } from '../../contracts/registry-table';
import type { StageResult } from '../../core/promotion/admission';
import type { HeldPromotion } from '../../core/promotion/gate';
import { LaneContendedError, type StageRecordsPort } from '../../core/promotion/records-port';
import { emptyLane, type StageLane } from '../../core/promotion/stage-lane';
import { STAGES, type StageName } from '../../core/promotion/stages';

const LANE = 'LANE';
const pk = (stage: StageName) => `${STAGE_PARTITION_PREFIX}${stage}`;
/** Results sort by version, then time: one Query reads a version's results in a stage. */
const resultPrefix = (version: number) => `RESULT#${String(version).padStart(12, '0')}#`;
/** Proposers by version, one item each, in one partition beside the stages' own. */
const PROPOSERS_PK = `${STAGE_PARTITION_PREFIX}_proposers`;
const proposerSk = (version: number, principal: string) =>
  `V#${String(version).padStart(12, '0')}#${principal}`;

/**
 * Stage lanes and results in the registry table (single-table design): per stage, one LANE
 * item holding the lane and its revision (the optimistic lock), and one append-only item per
 * recorded result.
 */
export class DynamoStageRecords implements StageRecordsPort {
  constructor(
    private readonly deps: {
      readonly client: DynamoDBDocumentClient;
      readonly tableName: string;
      /** How often to re-read and retry when another writer changed the lane first. */
      readonly maxAttempts?: number;
    },
  ) {}

  async lane(stage: StageName): Promise<StageLane> {
    return (await this.read(stage)).lane;
  }

  async updateLane<T>(
    stage: StageName,
    transition: (lane: StageLane) => { readonly lane: StageLane; readonly value: T },
  ): Promise<T> {
    const attempts = this.deps.maxAttempts ?? 10;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      const current = await this.read(stage);
      const next = transition(current.lane);
      if (next.lane === current.lane) return next.value;
      try {
        await this.deps.client.send(
          new PutCommand({
            TableName: this.deps.tableName,
            Item: {
              [KEY.partitionKey]: pk(stage),
              [KEY.sortKey]: LANE,
              lane: next.lane,
              revision: current.revision + 1,
            },
            ConditionExpression:
              current.revision === 0 ? 'attribute_not_exists(#pk)' : '#revision = :revision',
            ExpressionAttributeNames:
              current.revision === 0 ? { '#pk': KEY.partitionKey } : { '#revision': 'revision' },
            ...(current.revision === 0
              ? {}
              : { ExpressionAttributeValues: { ':revision': current.revision } }),
          }),
        );
        return next.value;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    throw new LaneContendedError(
      `the ${stage} lane changed under each of ${attempts} attempts to update it`,
    );
  }

  async recordResult(result: StageResult): Promise<void> {
    await this.deps.client.send(
      new PutCommand({
        TableName: this.deps.tableName,
        Item: {
          [KEY.partitionKey]: pk(result.stage),
          [KEY.sortKey]: `${resultPrefix(result.version)}${result.at}#${result.outcome}`,
          result,
        },
        // Results are a record of what happened: never overwritten.
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': KEY.partitionKey },
      }),
    );
  }

  async holdAtGate(held: HeldPromotion, taskToken: string): Promise<void> {
    await this.deps.client.send(
      new PutCommand({
        TableName: this.deps.tableName,
        Item: {
          [KEY.partitionKey]: pk(held.stage),
          [KEY.sortKey]: `GATE#${held.promotionId}`,
          held,
          taskToken,
        },
      }),
    );
  }

  async heldAtGate(
    stage: StageName,
    promotionId: string,
  ): Promise<{ held: HeldPromotion; taskToken: string } | undefined> {
    const got = await this.deps.client.send(
      new GetCommand({
        TableName: this.deps.tableName,
        Key: { [KEY.partitionKey]: pk(stage), [KEY.sortKey]: `GATE#${promotionId}` },
        ConsistentRead: true,
      }),
    );
    if (got.Item === undefined) return undefined;
    return { held: got.Item.held as HeldPromotion, taskToken: got.Item.taskToken as string };
  }

  async recentResults(stage: StageName, limit: number): Promise<StageResult[]> {
    const page = await this.deps.client.send(
      new QueryCommand({
        TableName: this.deps.tableName,
        KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
        ExpressionAttributeNames: { '#pk': KEY.partitionKey, '#sk': KEY.sortKey },
        ExpressionAttributeValues: { ':pk': pk(stage), ':prefix': 'RESULT#' },
        ScanIndexForward: false,
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return (page.Items ?? []).map((item) => item.result as StageResult);
  }

  async resultsFor(version: number): Promise<StageResult[]> {
    const perStage = await Promise.all(
      STAGES.map(async (stage) => {
        const found: StageResult[] = [];
        let start: Record<string, unknown> | undefined;
        do {
          const page = await this.deps.client.send(
            new QueryCommand({
              TableName: this.deps.tableName,
              KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
              ExpressionAttributeNames: { '#pk': KEY.partitionKey, '#sk': KEY.sortKey },
              ExpressionAttributeValues: { ':pk': pk(stage), ':prefix': resultPrefix(version) },
              ConsistentRead: true,
              ExclusiveStartKey: start,
            }),
          );
          for (const item of page.Items ?? []) found.push(item.result as StageResult);
          start = page.LastEvaluatedKey;
        } while (start !== undefined);
        return found;
      }),
    );
    return perStage.flat();
  }

  async recordProposers(version: number, proposers: readonly string[]): Promise<void> {
    // One item per person: a retried or concurrent record of the same version adds, never loses.
    await Promise.all(
      [...new Set(proposers)].map((principal) =>
        this.deps.client.send(
          new PutCommand({
            TableName: this.deps.tableName,
            Item: {
              [KEY.partitionKey]: PROPOSERS_PK,
              [KEY.sortKey]: proposerSk(version, principal),
              version,
              principal,
            },
          }),
        ),
      ),
    );
  }

  async proposersBetween(after: number, upTo: number): Promise<string[]> {
    if (upTo <= after) return [];
    const found = new Set<string>();
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.deps.client.send(
        new QueryCommand({
          TableName: this.deps.tableName,
          KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :low AND :high',
          ExpressionAttributeNames: { '#pk': KEY.partitionKey, '#sk': KEY.sortKey },
          ExpressionAttributeValues: {
            ':pk': PROPOSERS_PK,
            // From `V#<after + 1>#` to `V#<upTo + 1>#`, which sorts before every key of upTo + 1.
            ':low': proposerSk(Math.max(0, after + 1), ''),
            ':high': proposerSk(upTo + 1, ''),
          },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) found.add(String(item.principal));
      start = page.LastEvaluatedKey;
    } while (start !== undefined);
    return [...found].sort();
  }

  private async read(stage: StageName): Promise<{ lane: StageLane; revision: number }> {
    const got = await this.deps.client.send(
      new GetCommand({
        TableName: this.deps.tableName,
        Key: { [KEY.partitionKey]: pk(stage), [KEY.sortKey]: LANE },
        ConsistentRead: true,
      }),
    );
    if (got.Item === undefined) return { lane: emptyLane(stage), revision: 0 };
    return { lane: got.Item.lane as StageLane, revision: got.Item.revision as number };
  }
}
