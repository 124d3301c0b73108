import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { resolve } from 'node:path';
import { DynamoRuleRegistry } from '../lambdas/adapters/registry';
import type { StageName } from '../lambdas/contracts/stages';
import type { RuleSet } from '../lambdas/core/rules/rule-set';
import { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local';
import { LocalRuntime } from './runtime/local-runtime';
import { httpApiDefinitions } from './runtime/resource-configs';
import { removeRuntimeState, writeRuntimeState } from './runtime/state-file';
import { synthesizeWardStacks } from './synth';

export interface WardLocalOptions {
  readonly stage: StageName;
  readonly stateDir: string;
  readonly dataDir?: string;
  readonly apiPort?: number;
  readonly awsPort?: number;
  readonly dynamoDbPort?: number;
  /** The fleet to load into the registry, or none. */
  readonly fleet?: { readonly dir: string; readonly ruleSet: RuleSet };
  readonly log?: (line: string) => void;
}

export interface WardLocal {
  readonly runtime: LocalRuntime;
  readonly registryTable: string | undefined;
  readonly seeded: RuleSet | undefined;
  readonly readyInMs: number;
  stop(): Promise<void>;
}

/**
 * `ward local up`: Ward's own stacks for a stage on the local runtime, with the registry
 * seeded from a fleet. DynamoDB Local's JVM starts while the CDK app synthesizes, since each
 * takes seconds and they need nothing of each other.
 */
export async function startWardLocal(options: WardLocalOptions): Promise<WardLocal> {
  const started = Date.now();
  const engine: Promise<DynamoDbLocal> = startDynamoDbLocal({
    ...(options.dynamoDbPort !== undefined ? { port: options.dynamoDbPort } : {}),
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
  });
  let dynamoDb: DynamoDbLocal | undefined;
  try {
    const stacks = synthesizeWardStacks(options.stage);
    dynamoDb = await engine;
    let registryTable: string | undefined;
    let seeded: RuleSet | undefined;
    const runtime = await LocalRuntime.start({
      stacks,
      projectRoot: resolve(__dirname, '..'),
      stateDir: options.stateDir,
      dynamoDbEndpoint: dynamoDb.endpoint,
      ...(options.apiPort !== undefined ? { apiPort: options.apiPort } : {}),
      ...(options.awsPort !== undefined ? { awsPort: options.awsPort } : {}),
      ...(options.log !== undefined ? { log: options.log } : {}),
      // The fleet is loaded before the registry's stream is on: it is the registry's starting
      // point, not a write the audit pipeline should page on.
      beforeEventSources: async (booted) => {
        registryTable = booted.assembly
          .ofType('AWS::DynamoDB::Table')
          .find((t) => t.logicalId.startsWith('Registry'))?.values.ref;
        if (options.fleet === undefined || registryTable === undefined) return;
        const client = new DynamoDBClient({
          endpoint: booted.dynamoDbEndpoint,
          region: 'eu-west-2',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        });
        try {
          seeded = await new DynamoRuleRegistry({
            client: DynamoDBDocumentClient.from(client),
            tableName: registryTable,
          }).replaceAll(options.fleet.ruleSet);
        } finally {
          client.destroy();
        }
      },
    });
    const apis = httpApiDefinitions(runtime.assembly);
    writeRuntimeState(options.stateDir, {
      pid: process.pid,
      startedAt: runtime.startedAt.toISOString(),
      apiUrl: runtime.apis.length > 0 ? runtime.apiUrl : null,
      awsEndpoint: runtime.awsEndpoint,
      dynamoDbEndpoint: dynamoDb.endpoint,
      authorizers: apis.flatMap((api) =>
        [...api.authorizers.values()].flatMap((a) =>
          a.type === 'JWT' ? [{ issuer: a.issuer, audience: a.audience }] : [],
        ),
      ),
      fleetDir: options.fleet === undefined ? null : resolve(options.fleet.dir),
      registryTable: registryTable ?? null,
    });
    const engineToStop = dynamoDb;
    return {
      runtime,
      registryTable,
      seeded,
      readyInMs: Date.now() - started,
      stop: async () => {
        removeRuntimeState(options.stateDir);
        await runtime.stop();
        await engineToStop.stop();
      },
    };
  } catch (error) {
    await (dynamoDb ?? (await engine.catch(() => undefined)))?.stop();
    throw error;
  }
}
