import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ApprovalConfigInput } from '../../lambdas/contracts/approval-config';
import { DynamoRuleRegistry } from '../../lambdas/adapters/registry';
import { loadStageConfigs } from '../../lib/config/stages';
import { WardServicesStack } from '../../lib/ward-services-stack';
import { WardStack } from '../../lib/ward-stack';
import { readFleet } from '../../cli/fleet/read-fleet';
import { EXAMPLE_FLEET } from './cli-harness';
import type { LocalRuntime } from '../../local/runtime/local-runtime';
import { useLocalRuntime, type RuntimeHandle } from './local-runtime';

export interface WardRuntime extends RuntimeHandle {
  /** A token from the local issuer, as the company IdP would sign it for `principal`. */
  token(
    principal: string,
    options?: {
      groups?: string[];
      mfa?: boolean;
      identityType?: string;
      audience?: string;
      expiresInSeconds?: number;
    },
  ): Promise<string>;
  /** Calls the approval API with a token; returns the status and the parsed body. */
  api(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  registry(): DynamoRuleRegistry;
  registryTable(): string;
  /** The audit events on the audit bus so far. */
  auditEvents(): Record<string, unknown>[];
}

/**
 * Ward's own stacks (s101's config, with `approvals` overrides) on a local runtime for one test
 * file, with the example fleet in the registry: what the approval end-to-end tests run against.
 */
export function useWardRuntime(approvals: ApprovalConfigInput = {}): WardRuntime {
  const base = loadStageConfigs().find((c) => c.stage === 's101');
  if (base === undefined) throw new Error('no s101 config');
  const config = { ...base, approvals: { ...base.approvals, ...approvals } } as typeof base;
  let registry: DynamoRuleRegistry | undefined;
  const handle = useLocalRuntime(
    (app, suffix) => {
      const data = new WardStack(app, `Ward-e2e-${suffix}`, { config });
      new WardServicesStack(app, `Ward-e2e-${suffix}-services`, { config, data });
    },
    {
      // The example fleet is the registry's starting point, loaded before its stream is on (as
      // `ward local up` does), so the audit pipeline does not page on it.
      beforeEventSources: async (local) => {
        await registryOn(local).replaceAll(await readFleet(EXAMPLE_FLEET));
      },
    },
  );
  const tableOf = (local: LocalRuntime) =>
    local.assembly.ofType('AWS::DynamoDB::Table').find((t) => t.logicalId.startsWith('Registry'))
      ?.values.ref ?? '';
  const table = () => tableOf(handle.runtime);
  function registryOn(local: LocalRuntime): DynamoRuleRegistry {
    registry ??= new DynamoRuleRegistry({
      client: DynamoDBDocumentClient.from(
        new DynamoDBClient({
          region: 'eu-west-2',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          endpoint: local.dynamoDbEndpoint,
        }),
      ),
      tableName: tableOf(local),
    });
    return registry;
  }
  const runtime: WardRuntime = {
    get runtime() {
      return handle.runtime;
    },
    get clientConfig() {
      return handle.clientConfig;
    },
    token: (principal, options = {}) =>
      handle.runtime.issuer.sign({
        principal,
        issuer: config.identity.issuer,
        audience: options.audience ?? config.identity.audience,
        groups: options.groups ?? [],
        amr: options.mfa === false ? ['pwd'] : ['pwd', 'mfa'],
        extraClaims: { identity_type: options.identityType ?? 'person' },
        ...(options.expiresInSeconds !== undefined
          ? { expiresInSeconds: options.expiresInSeconds }
          : {}),
      }),
    async api(method, path, options = {}) {
      const response = await fetch(`${handle.runtime.apiUrl}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(options.token !== undefined ? { authorization: `Bearer ${options.token}` } : {}),
          ...options.headers,
        },
        ...(options.body !== undefined
          ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }
          : {}),
      });
      const text = await response.text();
      return {
        status: response.status,
        body: (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>,
      };
    },
    registry: () => registryOn(handle.runtime),
    registryTable: table,
    auditEvents: () =>
      handle.runtime.buses
        .events()
        .filter((e) => e.bus.startsWith('ward-audit'))
        .map((e) => e.event.detail as Record<string, unknown>),
  };
  return runtime;
}
