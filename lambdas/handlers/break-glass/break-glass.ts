import type {
  Context,
  LambdaFunctionURLEventWithIAMAuthorizer as LambdaFunctionURLEvent,
  LambdaFunctionURLResult,
} from 'aws-lambda';
import { z } from 'zod';
import { BreakGlassRequestSchema, type BreakGlassRequest } from '../../contracts/break-glass';
import { breakGlassCaller } from '../../core/break-glass/caller';
import { BreakGlassGrantFailedError, BreakGlassRefusedError } from '../../core/break-glass/grant';
import { checkDrillPage, checkDrills, recordDrill } from '../../core/break-glass/use-cases/drills';
import {
  confirm,
  enforceConfirmation,
  expireGrant,
  grantAccess,
  liveGrants,
  liveOverlay,
  revokeGrant,
  sweep,
} from '../../core/break-glass/use-cases/grants';
import { assumeRole } from '../../core/break-glass/use-cases/roles';
import { breakGlassContext, logger } from './break-glass-context';

/** HTTP status of an answer that is not ok, for the function URL; any other code is 403. */
const STATUS_OF_REFUSAL: Readonly<Record<string, number>> = {
  'not-found': 404,
  // Not a refusal: a target could not be written, and the grant was undone.
  'grant-failed': 502,
};

/** What the function answers on direct invoke; a function URL gets it as the JSON body. */
export type BreakGlassAnswer =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly refused: { readonly code: string; readonly message: string } };

/**
 * The break-glass function: called directly (the CLI, with the person's token in the payload),
 * through its IAM-authenticated function URL, or by its own schedules. A refusal is an answer
 * naming what was wrong, with nothing changed; anything else that fails throws.
 */
export async function handler(
  event: unknown,
  context: Pick<Context, 'invokedFunctionArn' | 'awsRequestId'>,
): Promise<BreakGlassAnswer | LambdaFunctionURLResult> {
  const viaUrl = isFunctionUrlEvent(event);
  const answer = await answerFor(
    viaUrl ? bodyOf(event) : event,
    viaUrl ? event.requestContext.authorizer.iam.userArn : undefined,
    context,
  );
  if (!viaUrl) return answer;
  return {
    statusCode: answer.ok ? 200 : (STATUS_OF_REFUSAL[answer.refused.code] ?? 403),
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(answer),
  };
}

async function answerFor(
  payload: unknown,
  iamCallerArn: string | undefined,
  context: Pick<Context, 'invokedFunctionArn' | 'awsRequestId'>,
): Promise<BreakGlassAnswer> {
  const parsed = BreakGlassRequestSchema.safeParse(payload);
  if (!parsed.success)
    return {
      ok: false,
      refused: { code: 'invalid-request', message: z.prettifyError(parsed.error) },
    };
  try {
    return { ok: true, result: await run(parsed.data, iamCallerArn, context) };
  } catch (error) {
    if (error instanceof BreakGlassGrantFailedError) {
      logger.error('break glass grant failed and was undone', {
        grantId: error.grantId,
        reason: error.message,
      });
      return { ok: false, refused: { code: 'grant-failed', message: error.message } };
    }
    if (!(error instanceof BreakGlassRefusedError)) throw error;
    logger.warn('break glass refused', {
      action: parsed.data.action,
      code: error.code,
      reason: error.message,
    });
    return { ok: false, refused: { code: error.code, message: error.message } };
  }
}

async function run(
  request: BreakGlassRequest,
  iamCallerArn: string | undefined,
  context: Pick<Context, 'invokedFunctionArn' | 'awsRequestId'>,
): Promise<unknown> {
  const { deps, verifier } = breakGlassContext(context.invokedFunctionArn);
  const correlationId = context.awsRequestId;
  // Callbacks of the function's own schedules: they can only end access, so they need no person.
  switch (request.action) {
    case 'expire':
      return { expired: await expireGrant(deps, request.id, correlationId) };
    case 'confirmation-deadline':
      return { revoked: await enforceConfirmation(deps, request.id, correlationId) };
    case 'sweep':
      return sweep(deps, correlationId);
    case 'drill-check':
      return checkDrills(deps, correlationId);
  }
  const actor = breakGlassCaller(
    {
      claims: await verifier.claims(request.token),
      ...(iamCallerArn !== undefined ? { iamCallerArn } : {}),
    },
    deps.config,
    deps.config.invokerRoleName,
  );
  const { token: _token, action: _action, ...input } = request;
  switch (request.action) {
    case 'grant':
      return grantAccess(deps, actor, input as Parameters<typeof grantAccess>[2], correlationId);
    case 'list':
      return { grants: await liveGrants(deps) };
    case 'revoke':
      return revokeGrant(deps, actor, request.id, request.reason, correlationId);
    case 'confirm':
      return confirm(deps, actor, request.id, correlationId);
    case 'assume':
      return assumeRole(deps, actor, request, correlationId);
    case 'overlay':
      return { items: await liveOverlay(deps) };
    case 'show': {
      const record = await deps.grants.get(request.id);
      if (record === undefined)
        throw new BreakGlassRefusedError(
          'not-found',
          `no break-glass grant ${request.id} in ${deps.config.stage}`,
        );
      return record;
    }
    case 'drill-page':
      return checkDrillPage(deps, request.id);
    case 'drill-record':
      return recordDrill(deps, actor, request.id, correlationId);
  }
}

function isFunctionUrlEvent(event: unknown): event is LambdaFunctionURLEvent {
  return (
    typeof event === 'object' && event !== null && 'requestContext' in event && 'rawPath' in event
  );
}

function bodyOf(event: LambdaFunctionURLEvent): unknown {
  const text = event.isBase64Encoded
    ? Buffer.from(event.body ?? '', 'base64').toString('utf8')
    : (event.body ?? '');
  try {
    return JSON.parse(text);
  } catch {
    return { action: 'not json' };
  }
}
