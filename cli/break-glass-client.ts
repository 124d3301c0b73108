import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { join } from 'node:path';
import { breakGlassFunctionName } from '../lambdas/contracts/break-glass';
import { DEFAULT_STATE_DIR, NoRuntimeError, readRuntimeState } from '../local/runtime/state-file';
import { readCredentials } from './credentials';
import type { CliIo } from './io';
import { UsageError } from './rule-source';

/** The break-glass function refused: its reason, as it gave it. */
export class BreakGlassRefusedCliError extends Error {
  override readonly name = 'BreakGlassRefusedCliError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface BreakGlassTarget {
  readonly stage: string;
  readonly function?: string;
  readonly token?: string;
}

/**
 * Calls the stage's break-glass function directly (Lambda Invoke), with the person's token in
 * the payload: no approval API on the way. The function is `ward-break-glass-<stage>` unless
 * `--function` or WARD_BREAK_GLASS_FUNCTION names another; the endpoint is the SDK's own
 * (AWS_ENDPOINT_URL_LAMBDA), or a local runtime running here.
 */
export async function callBreakGlass<T>(
  io: CliIo,
  target: BreakGlassTarget,
  request: Record<string, unknown>,
): Promise<T> {
  const token = target.token ?? nonEmpty(io.env.WARD_TOKEN) ?? readCredentials(io)?.token;
  const functionName =
    target.function ??
    nonEmpty(io.env.WARD_BREAK_GLASS_FUNCTION) ??
    breakGlassFunctionName(target.stage);
  const client = lambdaClient(io);
  try {
    const out = await client.send(
      new InvokeCommand({
        FunctionName: functionName,
        Payload: Buffer.from(
          JSON.stringify({ ...request, ...(token !== undefined ? { token } : {}) }),
        ),
      }),
    );
    const body = JSON.parse(Buffer.from(out.Payload ?? []).toString('utf8') || 'null') as unknown;
    if (out.FunctionError !== undefined) {
      const error = body as { errorType?: string; errorMessage?: string } | null;
      throw new BreakGlassRefusedCliError(
        'function-error',
        `the break-glass function ${functionName} failed: ${error?.errorType ?? 'Error'}: ${error?.errorMessage ?? '(no message)'}`,
      );
    }
    const answer = body as
      { ok: true; result: T } | { ok: false; refused: { code: string; message: string } };
    if (!answer.ok)
      throw new BreakGlassRefusedCliError(
        answer.refused.code,
        answer.refused.code === 'grant-failed'
          ? `break glass FAILED: ${answer.refused.message}`
          : `break glass refused: ${answer.refused.message}`,
      );
    return answer.result;
  } finally {
    client.destroy();
  }
}

function lambdaClient(io: CliIo): LambdaClient {
  let endpoint = nonEmpty(io.env.AWS_ENDPOINT_URL_LAMBDA);
  let local = false;
  if (endpoint === undefined) {
    try {
      endpoint = readRuntimeState(join(io.cwd, DEFAULT_STATE_DIR)).awsEndpoint;
      local = true;
    } catch (error) {
      // No runtime here: the SDK's own endpoint and credentials (a deployed Ward).
      if (!(error instanceof NoRuntimeError)) throw error;
    }
  }
  const accessKeyId = nonEmpty(io.env.AWS_ACCESS_KEY_ID) ?? (local ? 'local' : undefined);
  const secretAccessKey = nonEmpty(io.env.AWS_SECRET_ACCESS_KEY) ?? (local ? 'local' : undefined);
  const region =
    nonEmpty(io.env.AWS_REGION) ??
    nonEmpty(io.env.AWS_DEFAULT_REGION) ??
    (local ? 'eu-west-2' : undefined);
  return new LambdaClient({
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(region !== undefined ? { region } : {}),
    ...(accessKeyId !== undefined && secretAccessKey !== undefined
      ? {
          credentials: {
            accessKeyId,
            secretAccessKey,
            ...(nonEmpty(io.env.AWS_SESSION_TOKEN) !== undefined
              ? { sessionToken: io.env.AWS_SESSION_TOKEN }
              : {}),
          },
        }
      : {}),
  });
}

/** `30s`, `15m`, `1h`, `1h30m` as seconds. */
export function parseDuration(text: string, option = '--duration'): number {
  const match = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text);
  const seconds =
    match === null
      ? 0
      : Number(match[1] ?? 0) * 3600 + Number(match[2] ?? 0) * 60 + Number(match[3] ?? 0);
  if (match === null || seconds === 0)
    throw new UsageError(`${option} must look like 30m, 1h, 1h30m or 90s, not "${text}"`);
  return seconds;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}
