import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Route53ResolverClient } from '@aws-sdk/client-route53resolver';
import { WAFV2Client } from '@aws-sdk/client-wafv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoStageRecords } from '../../../lambdas/adapters/stages/dynamo-stage-records';
import type { RuleSetDelta } from '../../../lambdas/core/rules/change';
import type { StageLane } from '../../../lambdas/core/promotion/stage-lane';
import type { StageName } from '../../../lambdas/core/promotion/stages';
import { loadStageConfigs } from '../../../lib/config/stages';
import { accessKeyIdForAccount } from '../../../local/sts/local-sts';
import { ward as wardCli, type WardRun } from '../../support/cli-harness';
import { eventually } from '../../support/local-runtime';
import type { WardRuntime } from '../../support/ward-runtime';

/** Generous: several functions and state machines share two cores with other test files. */
export const FLOW_MS = 180_000;

/** Each fleet stage's account, as the runtime's (s101) stage config names them. */
export const FLEET_ACCOUNTS = Object.fromEntries(
  Object.entries(loadStageConfigs()[0]?.promotionTargets ?? {}).map(([stage, t]) => [
    stage,
    t.account,
  ]),
) as Record<StageName, string>;

export interface Approver {
  readonly who: string;
  readonly groups: readonly string[];
}

/**
 * Proposes a change through the API as `proposer`, has each approver approve it (with MFA),
 * and waits until the approval workflow applied it; returns the rule-set version it made.
 */
export async function applyChange(
  ward: WardRuntime,
  input: {
    readonly proposer: Approver;
    readonly add?: Partial<RuleSetDelta>;
    readonly remove?: Partial<RuleSetDelta>;
    readonly approvers: readonly Approver[];
    readonly justification?: string;
  },
): Promise<number> {
  const token = (a: Approver) => ward.token(`${a.who}@bank.example`, { groups: [...a.groups] });
  const proposed = await ward.api('POST', '/changes', {
    token: await token(input.proposer),
    body: {
      ...(input.add !== undefined ? { add: input.add } : {}),
      ...(input.remove !== undefined ? { remove: input.remove } : {}),
      justification: input.justification ?? 'an end-to-end test of promotion',
    },
  });
  expect(proposed.status).toBe(201);
  const change = proposed.body as { id: string; diffSha256: string; impactSha256: string };
  for (const approver of input.approvers) {
    const approved = await ward.api('POST', `/changes/${change.id}/approve`, {
      token: await token(approver),
      body: { diffSha256: change.diffSha256, impactSha256: change.impactSha256 },
    });
    expect(approved.status).toBe(200);
  }
  return eventually(
    async () => {
      const got = await ward.api('GET', `/changes/${change.id}`, {
        token: await token(input.proposer),
      });
      return got.body.state === 'applied' ? (got.body.appliedVersion as number) : undefined;
    },
    FLOW_MS,
    `change ${change.id} to be applied`,
  );
}

/** The stage records in the runtime's registry table, read as the functions read them. */
export function stageRecords(ward: WardRuntime): DynamoStageRecords {
  return new DynamoStageRecords({
    client: DynamoDBDocumentClient.from(
      new DynamoDBClient({ ...ward.clientConfig, endpoint: ward.runtime.dynamoDbEndpoint }),
    ),
    tableName: ward.registryTable(),
  });
}

/** Waits until a promotion of `version` (or newer) is parked with its task token at `stage`'s gate. */
export function heldAtGate(
  ward: WardRuntime,
  stage: StageName,
  version: number,
): Promise<{ id: string; lane: StageLane }> {
  const records = stageRecords(ward);
  return eventually(
    async () => {
      const lane = await records.lane(stage);
      const waiting = lane.waiting?.request;
      if (waiting === undefined || waiting.bundle.version < version) return undefined;
      return (await records.heldAtGate(stage, waiting.id)) !== undefined
        ? { id: waiting.id, lane }
        : undefined;
    },
    FLOW_MS,
    `a promotion of v${version} to wait at the ${stage} gate`,
  );
}

/** Waits until `stage` runs `version` with nothing applying. */
export function deployedIn(ward: WardRuntime, stage: StageName, version: number) {
  const records = stageRecords(ward);
  return eventually(
    async () => {
      const lane = await records.lane(stage);
      return lane.deployed?.version === version && lane.applying === undefined ? lane : undefined;
    },
    FLOW_MS,
    `v${version} to be deployed in ${stage}`,
  );
}

/** `ward ...` against the runtime's API as `person` (security engineers, MFA unless told). */
export async function wardAs(
  ward: WardRuntime,
  person: string,
  args: readonly string[],
  options: { readonly mfa?: boolean; readonly groups?: readonly string[] } = {},
): Promise<WardRun> {
  return wardCli(args, {
    PATH: process.env.PATH,
    WARD_API_URL: ward.runtime.apiUrl,
    WARD_TOKEN: await ward.token(`${person}@bank.example`, {
      groups: [...(options.groups ?? ['sec-engineering'])],
      mfa: options.mfa ?? true,
    }),
  });
}

/** SDK clients that read a fleet stage's WAF and DNS Firewall stand-ins, as that account. */
export function stageClients(ward: WardRuntime, stage: StageName) {
  const config = {
    endpoint: ward.runtime.awsEndpoint,
    region: ward.clientConfig.region,
    credentials: {
      accessKeyId: accessKeyIdForAccount(FLEET_ACCOUNTS[stage]),
      secretAccessKey: 'local',
    },
  };
  return {
    waf: new WAFV2Client(config),
    cloudfront: new WAFV2Client({ ...config, region: 'us-east-1' }),
    dns: new Route53ResolverClient(config),
  };
}
