import type { InvokeOutcome } from '../lambda/local-function';

/** What an authorizer sees of a request (payload format 2.0 needs the route and the caller). */
export interface AuthorizationRequest {
  readonly method: string;
  readonly path: string;
  readonly rawQueryString: string;
  readonly routeKey: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly requestId: string;
  readonly sourceIp: string;
  readonly time: Date;
  readonly requiredScopes: readonly string[];
}

/** An authorizer's answer: the `requestContext.authorizer` a function gets, or API Gateway's refusal. */
export type RouteAuthorization =
  | {
      readonly ok: true;
      readonly context: Record<string, unknown>;
      /** Who the request is from, for the access log and records. */
      readonly principal?: string;
    }
  | {
      readonly ok: false;
      readonly status: 401 | 403 | 500;
      readonly reason: string;
      readonly headers?: Readonly<Record<string, string>>;
    };

export interface RouteAuthorizer {
  authorize(request: AuthorizationRequest): Promise<RouteAuthorization>;
}

export interface LambdaAuthorizerConfig {
  readonly functionArn: string;
  /** e.g. `$request.header.Authorization`; every one must be present or the call is 401. */
  readonly identitySource: readonly string[];
  /** `EnableSimpleResponses`: `{isAuthorized, context}` rather than an IAM policy. */
  readonly simpleResponses: boolean;
  /** `AuthorizerResultTtlInSeconds`: answers are cached by the identity source's values. */
  readonly resultTtlSeconds: number;
  readonly region: string;
  readonly accountId: string;
  readonly apiId: string;
}

/**
 * API Gateway's Lambda REQUEST authorizer for HTTP APIs, payload format 2.0: a request missing
 * any identity source is refused (401) without calling the function; otherwise the function
 * gets the 2.0 authorizer event and its answer decides (simple responses: `isAuthorized`;
 * otherwise an IAM policy allowing `execute-api:Invoke` on the route). A function that fails
 * or answers something else is a 500. Answers, allow or deny, are cached by the identity
 * source's values for the configured TTL, as API Gateway does.
 */
export class LambdaRequestAuthorizer implements RouteAuthorizer {
  private readonly cache = new Map<string, { until: number; answer: RouteAuthorization }>();

  constructor(
    private readonly config: LambdaAuthorizerConfig,
    private readonly invoke: (functionArn: string, event: unknown) => Promise<InvokeOutcome>,
    private readonly now: () => number = Date.now,
  ) {}

  async authorize(request: AuthorizationRequest): Promise<RouteAuthorization> {
    const values = this.config.identitySource.map((source) => identityValue(source, request));
    if (values.some((value) => value === undefined || value === ''))
      return { ok: false, status: 401, reason: 'an identity source is missing' };
    const key = JSON.stringify(values);
    const cached = this.cache.get(key);
    if (cached !== undefined && cached.until > this.now()) return cached.answer;
    const routeArn = `arn:aws:execute-api:${this.config.region}:${this.config.accountId}:${this.config.apiId}/$default/${request.method}${request.path}`;
    const outcome = await this.invoke(this.config.functionArn, {
      version: '2.0',
      type: 'REQUEST',
      routeArn,
      identitySource: values,
      routeKey: request.routeKey,
      rawPath: request.path,
      rawQueryString: request.rawQueryString,
      ...(request.headers.cookie ? { cookies: request.headers.cookie.split(/;\s*/) } : {}),
      headers: request.headers,
      ...(request.rawQueryString !== ''
        ? { queryStringParameters: Object.fromEntries(request.query) }
        : {}),
      requestContext: {
        accountId: this.config.accountId,
        apiId: this.config.apiId,
        domainName: request.headers.host ?? 'localhost',
        http: {
          method: request.method,
          path: request.path,
          protocol: 'HTTP/1.1',
          sourceIp: request.sourceIp,
          userAgent: request.headers['user-agent'] ?? '',
        },
        requestId: request.requestId,
        routeKey: request.routeKey,
        stage: '$default',
        time: request.time.toISOString(),
        timeEpoch: request.time.getTime(),
      },
      ...(Object.keys(request.pathParameters).length > 0
        ? { pathParameters: request.pathParameters }
        : {}),
    });
    if (!outcome.ok)
      return {
        ok: false,
        status: 500,
        reason: `the authorizer failed: ${outcome.error.errorType}: ${outcome.error.errorMessage}`,
      };
    const answer = this.config.simpleResponses
      ? simpleAnswer(outcome.result)
      : policyAnswer(outcome.result, routeArn);
    if (answer.ok || answer.status === 403)
      if (this.config.resultTtlSeconds > 0)
        this.cache.set(key, { until: this.now() + this.config.resultTtlSeconds * 1000, answer });
    return answer;
  }
}

function identityValue(source: string, request: AuthorizationRequest): string | undefined {
  const header = /^\$request\.header\.(.+)$/i.exec(source);
  if (header) return request.headers[(header[1] ?? '').toLowerCase()];
  const query = /^\$request\.querystring\.(.+)$/i.exec(source);
  if (query) return request.query.get(query[1] ?? '') ?? undefined;
  if (source === '$context.routeKey') return request.routeKey;
  // Other context and stage variables are not known locally: refuse rather than guess.
  return undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function simpleAnswer(result: unknown): RouteAuthorization {
  if (!isRecord(result) || typeof result.isAuthorized !== 'boolean')
    return {
      ok: false,
      status: 500,
      reason: 'the authorizer answered without a boolean isAuthorized',
    };
  if (!result.isAuthorized) return { ok: false, status: 403, reason: 'the authorizer refused' };
  return { ok: true, context: { lambda: isRecord(result.context) ? result.context : {} } };
}

/** An IAM policy answer: allowed when a statement allows the route and none denies it. */
function policyAnswer(result: unknown, routeArn: string): RouteAuthorization {
  const document = isRecord(result) ? result.policyDocument : undefined;
  const statements = isRecord(document) ? [document.Statement].flat() : undefined;
  if (!isRecord(result) || statements === undefined)
    return { ok: false, status: 500, reason: 'the authorizer answered without a policy document' };
  const covers = (statement: unknown) => {
    if (!isRecord(statement)) return false;
    const actions = [statement.Action].flat().map(String);
    const resources = [statement.Resource].flat().map(String);
    return (
      actions.some((a) => a === 'execute-api:Invoke' || a === 'execute-api:*' || a === '*') &&
      resources.some((r) =>
        new RegExp(`^${r.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(
          routeArn,
        ),
      )
    );
  };
  const applicable = statements.filter(covers) as Record<string, unknown>[];
  const allowed =
    applicable.some((s) => s.Effect === 'Allow') && !applicable.some((s) => s.Effect === 'Deny');
  if (!allowed)
    return { ok: false, status: 403, reason: 'the authorizer’s policy denies the route' };
  return {
    ok: true,
    context: { lambda: isRecord(result.context) ? result.context : {} },
    ...(typeof result.principalId === 'string' ? { principal: result.principalId } : {}),
  };
}
