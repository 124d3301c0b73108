import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
} from 'aws-lambda';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyValidationError,
} from '@aws-lambda-powertools/idempotency';
import { ZodError } from 'zod';
import { RuleSetValidationError } from '../../core/rules/problems';
import { callerFromClaims, type Caller } from '../../core/approvals/caller';
import {
  ChangeRefusedError,
  InvalidProposalError,
  type RefusalCode,
} from '../../core/approvals/change-request';
import { ChangeNotFoundError, ChangeRevisionConflictError } from '../../core/approvals/ports';
import { UnapprovableChangeError } from '../../core/approvals/requirements';
import { BundleNotFoundError } from '../../adapters/bundles/s3-bundle-store';
import { GateRefusedError } from '../../core/promotion/use-cases/gate-steps';
import { PromotionRequestRefusedError } from '../../core/promotion/use-cases/start-promotion';
import { config, logger } from '../approvals-context';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResult = APIGatewayProxyStructuredResultV2;

/** A 4xx the edge answers with, raised by handlers for problems of the request itself. */
export class RequestError extends Error {
  override readonly name = 'RequestError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const FORBIDDEN: readonly RefusalCode[] = [
  'own-change',
  'not-personal',
  'no-mfa',
  'not-in-required-team',
  'not-proposer',
];

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): ApiResult {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

/** The verified caller: API Gateway checked the token; its claims are the only identity used. */
export function callerOf(event: ApiEvent): Caller {
  try {
    return callerFromClaims(event.requestContext.authorizer.jwt.claims, config());
  } catch (error) {
    throw new RequestError(
      401,
      'Unauthorized',
      error instanceof Error ? error.message : 'no usable identity in the token',
    );
  }
}

export function bodyOf(event: ApiEvent): unknown {
  if (event.body === undefined || event.body === '') return {};
  const text = event.isBase64Encoded
    ? Buffer.from(event.body, 'base64').toString('utf8')
    : event.body;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new RequestError(400, 'InvalidRequest', 'the body is not valid JSON');
  }
}

/**
 * Runs a route's use case and maps its outcome, once, to HTTP: refusals to 403 or 409 with the
 * reason, bad input to 400 naming the field, unknown ids to 404. Anything else is a bug: it is
 * logged with the request id and answered 500.
 */
export async function atTheEdge(
  event: ApiEvent,
  run: () => Promise<ApiResult>,
): Promise<ApiResult> {
  logger.appendKeys({ requestId: event.requestContext.requestId, route: event.routeKey });
  try {
    return await run();
  } catch (error) {
    const mapped = mapError(error);
    if (mapped !== undefined) return mapped;
    logger.error('unexpected error', error as Error);
    return json(500, {
      error: 'InternalError',
      message: `something went wrong; quote request ${event.requestContext.requestId}`,
    });
  } finally {
    logger.resetKeys();
  }
}

function mapError(error: unknown): ApiResult | undefined {
  if (error instanceof RequestError)
    return json(error.status, { error: error.code, message: error.message });
  if (error instanceof ChangeRefusedError)
    return json(FORBIDDEN.includes(error.code) ? 403 : 409, {
      error: error.code,
      message: error.message,
    });
  if (error instanceof InvalidProposalError || error instanceof UnapprovableChangeError)
    return json(400, { error: 'InvalidRequest', message: error.message });
  if (error instanceof RuleSetValidationError)
    return json(400, { error: 'InvalidChange', message: error.message, problems: error.problems });
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    return json(400, {
      error: 'InvalidRequest',
      message: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
    });
  }
  if (error instanceof IdempotencyValidationError) {
    return json(422, {
      error: 'IdempotencyKeyReused',
      message:
        'this Idempotency-Key was used for a different request; use a new key for a new change',
    });
  }
  if (error instanceof IdempotencyAlreadyInProgressError) {
    return json(409, {
      error: 'InProgress',
      message: 'a request with this Idempotency-Key is still being processed; retry shortly',
    });
  }
  if (error instanceof GateRefusedError) {
    const status =
      error.reason === 'not-held'
        ? 404
        : ['expired', 'bad-record', 'not-gated', 'unknown-proposers'].includes(error.reason)
          ? 409
          : 403;
    return json(status, { error: error.reason, message: error.message });
  }
  if (error instanceof PromotionRequestRefusedError)
    return json(['not-a-person', 'no-mfa'].includes(error.reason) ? 403 : 409, {
      error: error.reason,
      message: error.message,
    });
  if (error instanceof ChangeNotFoundError || error instanceof BundleNotFoundError)
    return json(404, { error: 'NotFound', message: error.message });
  if (error instanceof ChangeRevisionConflictError)
    return json(409, { error: 'Conflict', message: error.message });
  return undefined;
}
