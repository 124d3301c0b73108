import type { DynamoDBDocumentClient, QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { z } from 'zod';
import { IngressRuleSchema, ServiceSchema } from '../../core/model/schemas';
import type { IngressRule, Service } from '../../core/model/schemas';
import { queryAll } from './dynamo-io';
import { RegistryBusyError, RegistryCorruptError } from './errors';
import type { HeadStore } from './head-store';
import {
  CALLEE_GSI_SK_PREFIX,
  INGRESS_SK_PREFIX,
  KEY,
  TEAM_SERVICE_GSI_SK_PREFIX,
  callerGsiPk,
  decodeRuleVersion,
  identityOf,
  isVisibleAt,
  servicePk,
  teamServicesGsiPk,
  type RuleVersion,
} from './item-codec';

/** Reverse look-ups at the head version: one Query each, never a scan. */

export interface LookupContext {
  readonly client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly head: HeadStore;
  readonly retainVersions: number;
  readonly maxReadAttempts: number;
}

/** The answer to a look-up, with the version it reflects. */
export interface Lookup<T> {
  readonly version: number;
  readonly items: readonly T[];
}

/**
 * Ingress rules whose callee is `service`. They live in the callee's partition, so this is a
 * strongly consistent Query of the base table.
 */
export function callersOf(context: LookupContext, service: string): Promise<Lookup<IngressRule>> {
  return lookUp(
    context,
    {
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': KEY.partitionKey, '#sk': KEY.sortKey },
      ExpressionAttributeValues: { ':pk': servicePk(service), ':prefix': INGRESS_SK_PREFIX },
      ConsistentRead: true,
    },
    IngressRuleSchema,
    false,
  );
}

/**
 * Ingress rules whose caller is `service`, through gsi1. A GSI is eventually consistent: a
 * change committed a moment ago may not show yet.
 */
export function calleesOf(context: LookupContext, service: string): Promise<Lookup<IngressRule>> {
  return lookUp(
    context,
    reverseIndexQuery(callerGsiPk(service), CALLEE_GSI_SK_PREFIX),
    IngressRuleSchema,
    true,
  );
}

/** Services owned by `team`, through gsi1 (eventually consistent, as `calleesOf`). */
export function servicesOfTeam(context: LookupContext, team: string): Promise<Lookup<Service>> {
  return lookUp(
    context,
    reverseIndexQuery(teamServicesGsiPk(team), TEAM_SERVICE_GSI_SK_PREFIX),
    ServiceSchema,
    true,
  );
}

function reverseIndexQuery(
  partition: string,
  sortPrefix: string,
): Omit<QueryCommandInput, 'TableName'> {
  return {
    IndexName: KEY.reverseIndex.name,
    KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
    ExpressionAttributeNames: {
      '#pk': KEY.reverseIndex.partitionKey,
      '#sk': KEY.reverseIndex.sortKey,
    },
    ExpressionAttributeValues: { ':pk': partition, ':prefix': sortPrefix },
  };
}

async function lookUp<T>(
  context: LookupContext,
  query: Omit<QueryCommandInput, 'TableName'>,
  schema: z.ZodType<T>,
  fromIndex: boolean,
): Promise<Lookup<T>> {
  for (let attempt = 1; attempt <= context.maxReadAttempts; attempt++) {
    const head = await context.head.getOrEmpty();
    const aborted = new Set(head.aborted.keys());
    const items = await queryAll(context.client, { ...query, TableName: context.tableName });
    const visible = items
      .map(decodeRuleVersion)
      .filter((version) => isVisibleAt(version, head.version, aborted));
    const after = await context.head.getOrEmpty();
    if (after.version > head.version + context.retainVersions) continue;
    return {
      version: head.version,
      items: latestPerRule(visible, fromIndex).map((v) => parse(schema, v)),
    };
  }
  throw new RegistryBusyError('the rule set kept moving during a look-up; try again');
}

/**
 * One version per rule. The base table never shows two, since a version is marked removed
 * before its successor is committed; an index may lag behind that mark, so there the newest wins.
 */
function latestPerRule(versions: readonly RuleVersion[], fromIndex: boolean): RuleVersion[] {
  const byRule = new Map<string, RuleVersion>();
  // Sorted by rule identity, so answers are stable whichever index served them.
  for (const version of versions) {
    const identity = identityOf(version.collection, version.rule);
    const seen = byRule.get(identity);
    if (seen !== undefined && !fromIndex) {
      throw new RegistryCorruptError(
        `two versions of ${identity.replace('\u0000', ' ')} are visible: ${seen.key.sk} and ${version.key.sk}`,
      );
    }
    if (seen === undefined || seen.addedIn < version.addedIn) byRule.set(identity, version);
  }
  return [...byRule.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, version]) => version);
}

function parse<T>(schema: z.ZodType<T>, version: RuleVersion): T {
  const parsed = schema.safeParse(version.rule);
  if (!parsed.success) {
    throw new RegistryCorruptError(
      `item ${version.key.pk} / ${version.key.sk} holds a malformed rule`,
      {
        cause: parsed.error,
      },
    );
  }
  return parsed.data;
}
