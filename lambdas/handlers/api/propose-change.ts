import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { APPROVAL_ENV } from '../../contracts/approval-contracts';
import {
  IDEMPOTENCY_PARTITION_PREFIX,
  RegistryTableKeys as KEY,
} from '../../contracts/registry-table';
import { proposeUseCase } from '../../core/approvals/use-cases/propose';
import { config, deps } from '../approvals-context';
import {
  atTheEdge,
  bodyOf,
  callerOf,
  json,
  RequestError,
  type ApiEvent,
  type ApiResult,
} from '../http/api-edge';

// Retries with the same Idempotency-Key (per person) get the first answer for 24 hours; the
// records live in the registry table under their own partition and expire through its TTL.
const idempotency = new IdempotencyConfig({
  eventKeyJmesPath: '[principal, key]',
  payloadValidationJmesPath: 'body',
  expiresAfterSeconds: 86_400,
});
const persistence = new DynamoDBPersistenceLayer({
  tableName: process.env[APPROVAL_ENV.registryTable] ?? '',
  keyAttr: KEY.partitionKey,
  sortKeyAttr: KEY.sortKey,
  staticPkValue: `${IDEMPOTENCY_PARTITION_PREFIX}propose-change`,
  expiryAttr: KEY.timeToLiveAttribute,
});
const proposeOnce = makeIdempotent(
  (request: { principal: string; key: string; body: unknown; run: () => Promise<unknown> }) =>
    request.run(),
  { persistenceStore: persistence, config: idempotency },
);

/** POST /changes */
export async function handler(event: ApiEvent, context: Context): Promise<ApiResult> {
  return atTheEdge(event, async () => {
    const caller = callerOf(event);
    const body = bodyOf(event);
    const propose = () =>
      proposeUseCase(deps, config(), {
        caller,
        body,
        correlationId: event.requestContext.requestId,
      });
    const key = event.headers['idempotency-key'];
    if (key === undefined) return json(201, await propose());
    if (!/^[A-Za-z0-9_.:-]{8,128}$/.test(key))
      throw new RequestError(
        400,
        'InvalidRequest',
        'Idempotency-Key: use 8 to 128 letters, digits, "_", ".", ":" or "-"',
      );
    idempotency.registerLambdaContext(context);
    return json(201, await proposeOnce({ principal: caller.principal, key, body, run: propose }), {
      'idempotency-key': key,
    });
  });
}
