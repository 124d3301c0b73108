import type { BundleChanges } from '../lambdas/core/promotion/bundle-changes';
import type { PipelineView } from '../lambdas/core/promotion/pipeline-view';
import type { RuleSetDelta } from '../lambdas/core/rules/change';
import type { ChangeState } from '../lambdas/core/approvals/change-request';
import type { ChangeView } from '../lambdas/core/approvals/use-cases/change-view';
import { resolveApiTarget, type ApiTarget } from './credentials';
import type { CliIo } from './io';

export type { ChangeView };

/** The body of `POST /changes`: rules to add and remove, and why. */
export interface ProposalBody {
  readonly add?: Partial<RuleSetDelta>;
  readonly remove?: Partial<RuleSetDelta>;
  readonly justification: string;
}

/** Who the API takes the caller for (`GET /whoami`). */
export interface WhoAmI {
  readonly principal: string;
  readonly groups: readonly string[];
  readonly mfa: boolean;
  readonly personal: boolean;
  readonly teams: readonly string[];
}

export interface ChangeQuery {
  readonly state?: ChangeState;
  readonly team?: string;
  readonly mine?: boolean;
  readonly limit?: number;
}

/** The API answered, and said no: its status, error code and reason, and what to do next. */
export class ApiRefusedError extends Error {
  override readonly name = 'ApiRefusedError';
  constructor(
    readonly status: number,
    readonly code: string,
    /** The API's own words. */
    readonly reason: string,
    /** What the person can do about it, when there is something. */
    readonly hint: string | undefined,
    /** Per-rule problems of an invalid change (400 InvalidChange). */
    readonly problems: readonly string[] = [],
  ) {
    super(`${reason} (${status} ${code})`);
  }
}

/** The API could not be reached or gave no usable answer: nothing was decided. */
export class ApiUnreachableError extends Error {
  override readonly name = 'ApiUnreachableError';
}

/** How long one request may take; a cold function on the local runtime takes a few seconds. */
const DEFAULT_TIMEOUT_MS = 30_000;
/** Statuses after which the same request may be sent again: nothing was decided. */
const RETRIABLE = new Set([502, 503, 504]);

interface Call {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly query?: Record<string, string | undefined>;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Safe to send again after a failure that decided nothing (reads, keyed proposals). */
  readonly retry?: boolean;
  /** The change the call is about, for the hints. */
  readonly changeId?: string;
}

/**
 * The approval API over fetch: one method per route, error answers turned into
 * `ApiRefusedError` with the API's reason, and a clear `ApiUnreachableError` when nothing
 * answers. Only reads and proposals with an Idempotency-Key are retried, since those are the
 * calls that cannot decide anything twice.
 */
export class WardApiClient {
  private readonly base: URL;

  constructor(
    private readonly target: ApiTarget,
    private readonly options: {
      readonly timeoutMs?: number;
      readonly attempts?: number;
      readonly backoffMs?: number;
    } = {},
  ) {
    // A trailing slash keeps the stage path (https://x/prod/) when routes are resolved against it.
    this.base = new URL(target.apiUrl.endsWith('/') ? target.apiUrl : `${target.apiUrl}/`);
  }

  get apiUrl(): string {
    return this.target.apiUrl;
  }

  /** `POST /changes`; the key makes a retried proposal return the first answer. */
  async propose(body: ProposalBody, idempotencyKey: string): Promise<ChangeView> {
    return asChange(
      await this.send({
        method: 'POST',
        path: 'changes',
        body,
        headers: { 'idempotency-key': idempotencyKey },
        retry: true,
      }),
    );
  }

  async listChanges(query: ChangeQuery = {}): Promise<ChangeView[]> {
    const answer = await this.send({
      method: 'GET',
      path: 'changes',
      query: {
        state: query.state,
        team: query.team,
        mine: query.mine === true ? 'true' : undefined,
        limit: query.limit === undefined ? undefined : String(query.limit),
      },
      retry: true,
    });
    const changes = (answer as { changes?: unknown }).changes;
    if (!Array.isArray(changes)) throw this.unusable('GET /changes', 'no "changes" list');
    return changes.map(asChange);
  }

  async getChange(id: string): Promise<ChangeView> {
    return asChange(
      await this.send({ method: 'GET', path: changePath(id), retry: true, changeId: id }),
    );
  }

  /** Approves exactly what was shown: the API refuses (stale-view) if the change moved since. */
  async approve(
    id: string,
    shown: { readonly diffSha256: string; readonly impactSha256: string },
  ): Promise<ChangeView> {
    return asChange(
      await this.send({
        method: 'POST',
        path: `${changePath(id)}/approve`,
        body: { diffSha256: shown.diffSha256, impactSha256: shown.impactSha256 },
        changeId: id,
      }),
    );
  }

  async reject(id: string, reason: string): Promise<ChangeView> {
    return asChange(
      await this.send({
        method: 'POST',
        path: `${changePath(id)}/reject`,
        body: { reason },
        changeId: id,
      }),
    );
  }

  async withdraw(id: string): Promise<ChangeView> {
    return asChange(
      await this.send({ method: 'POST', path: `${changePath(id)}/withdraw`, changeId: id }),
    );
  }

  async whoami(): Promise<WhoAmI> {
    const answer = (await this.send({ method: 'GET', path: 'whoami', retry: true })) as WhoAmI;
    if (typeof answer.principal !== 'string' || !Array.isArray(answer.teams))
      throw this.unusable('GET /whoami', 'no principal or teams');
    return answer;
  }

  /** The promotion pipeline: each stage's bundle and state, and what is in flight. */
  async pipeline(): Promise<PipelineView> {
    const answer = (await this.send({
      method: 'GET',
      path: 'pipeline',
      retry: true,
    })) as PipelineView;
    if (!Array.isArray(answer.stages) || !Array.isArray(answer.pending))
      throw this.unusable('GET /pipeline', 'no stages or pending list');
    return answer;
  }

  /** Approves or rejects a promotion waiting at a stage's gate. */
  async decidePromotion(
    id: string,
    decision: 'approve' | 'reject',
    body: { stage: string; reason?: string },
  ): Promise<{ id: string; stage: string; outcome: string }> {
    return (await this.send({
      method: 'POST',
      path: `promotions/${encodeURIComponent(id)}/${decision}`,
      body,
    })) as { id: string; stage: string; outcome: string };
  }

  /** Starts a promotion of a stored bundle into one stage (the gate still decides prod). */
  async startPromotion(body: {
    version: number;
    stage: string;
  }): Promise<{ id: string; version: number; stage: string; kind: string }> {
    const answer = (await this.send({ method: 'POST', path: 'promotions', body })) as {
      id?: unknown;
    };
    if (typeof answer.id !== 'string') throw this.unusable('POST /promotions', 'no promotion id');
    return answer as { id: string; version: number; stage: string; kind: string };
  }

  /** Starts a rollback of a stage to an earlier bundle, through the same lane and gate. */
  async rollback(body: {
    stage: string;
    version?: number;
  }): Promise<{ id: string; stage: string; from: number; version: number; kind: string }> {
    const answer = (await this.send({ method: 'POST', path: 'rollbacks', body })) as {
      id?: unknown;
    };
    if (typeof answer.id !== 'string') throw this.unusable('POST /rollbacks', 'no promotion id');
    return answer as { id: string; stage: string; from: number; version: number; kind: string };
  }

  /** What a bundle changed since the one before it, in edges and WAF rules. */
  async bundleChanges(version: number): Promise<BundleChanges> {
    const answer = (await this.send({
      method: 'GET',
      path: `bundles/${version}`,
      retry: true,
    })) as BundleChanges;
    if (typeof answer.bundle !== 'object' || !Array.isArray(answer.waf))
      throw this.unusable(`GET /bundles/${version}`, 'no bundle or WAF changes');
    return answer;
  }

  private async send(call: Call): Promise<unknown> {
    const url = new URL(call.path, this.base);
    for (const [name, value] of Object.entries(call.query ?? {}))
      if (value !== undefined) url.searchParams.set(name, value);
    const attempts = call.retry === true ? (this.options.attempts ?? 3) : 1;
    for (let attempt = 1; ; attempt += 1) {
      const last = attempt >= attempts;
      let response: Response;
      try {
        response = await fetch(url, {
          method: call.method,
          headers: {
            authorization: `Bearer ${this.target.token}`,
            accept: 'application/json',
            ...(call.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...call.headers,
          },
          ...(call.body !== undefined ? { body: JSON.stringify(call.body) } : {}),
          signal: AbortSignal.timeout(this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS),
        });
      } catch (error) {
        // Nothing listening, or no such host: asking again at once would only delay the message.
        if (last || nothingThere(error)) throw this.unreachable(error);
        await this.pause(attempt);
        continue;
      }
      const text = await response.text();
      const answer = parseJson(text);
      if (response.ok) {
        if (answer === undefined)
          throw this.unusable(`${call.method} /${call.path}`, 'the answer is not JSON');
        return answer;
      }
      const refusal = refusalOf(response.status, answer, call, this.target);
      // A proposal with the same key still being processed will answer the same once done.
      const transient = RETRIABLE.has(response.status) || refusal.code === 'InProgress';
      if (!transient || last) throw refusal;
      await this.pause(attempt);
    }
  }

  private pause(attempt: number): Promise<void> {
    const ms = (this.options.backoffMs ?? 500) * 2 ** (attempt - 1);
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  private unreachable(error: unknown): ApiUnreachableError {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : undefined;
    const code = (cause as { code?: unknown } | undefined)?.code;
    const why = timedOut
      ? `no answer within ${((this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000).toFixed(0)} s`
      : typeof code === 'string'
        ? code
        : (cause?.message ?? (error instanceof Error ? error.message : String(error)));
    return new ApiUnreachableError(
      `cannot reach the Ward API at ${this.target.apiUrl} (${why}): is \`npm start\` running? ` +
        'For another API, set WARD_API_URL or run "ward login --token T --api-url URL".',
      { cause: error },
    );
  }

  private unusable(route: string, what: string): ApiUnreachableError {
    return new ApiUnreachableError(
      `the Ward API at ${this.target.apiUrl} gave an answer to ${route} this ward cannot read (${what}); is WARD_API_URL the Ward API?`,
    );
  }
}

function nothingThere(error: unknown): boolean {
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  return ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN'].includes(String(cause?.code));
}

function changePath(id: string): string {
  return `changes/${encodeURIComponent(id)}`;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The least a change view has: what every command prints. */
function asChange(value: unknown): ChangeView {
  const view = value as Partial<ChangeView> | null;
  if (
    view === null ||
    typeof view !== 'object' ||
    typeof view.id !== 'string' ||
    typeof view.state !== 'string'
  )
    throw new ApiUnreachableError('the Ward API answered with something that is not a change');
  return view as ChangeView;
}

/**
 * An error answer as a refusal. The API's handlers answer `{error, message}`; API Gateway's
 * authorizer answers `{message: "Unauthorized"}` alone, so the status stands in for the code.
 */
function refusalOf(
  status: number,
  answer: unknown,
  call: Call,
  target: ApiTarget,
): ApiRefusedError {
  const body = (typeof answer === 'object' && answer !== null ? answer : {}) as {
    error?: unknown;
    message?: unknown;
    problems?: unknown;
  };
  const code =
    typeof body.error === 'string'
      ? body.error
      : (({ 401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound' } as Record<number, string>)[
          status
        ] ?? `HTTP${status}`);
  const reason =
    typeof body.message === 'string' && body.message !== ''
      ? body.message
      : `the API answered ${status}`;
  const problems = Array.isArray(body.problems)
    ? body.problems.map((p: { message?: unknown }) =>
        typeof p.message === 'string' ? p.message : JSON.stringify(p),
      )
    : [];
  return new ApiRefusedError(status, code, reason, hintFor(status, code, call, target), problems);
}

/** What to do about a refusal, in the words of the commands that help. */
export function hintFor(
  status: number,
  code: string,
  call: Pick<Call, 'changeId'>,
  target: Pick<ApiTarget, 'from'>,
): string | undefined {
  const show = call.changeId !== undefined ? `ward show ${call.changeId}` : 'ward show ID';
  const relogin =
    target.from === 'environment'
      ? 'put a fresh token in WARD_TOKEN (locally: "ward local token YOU --team TEAM --mfa")'
      : 'log in again (locally: "ward login --as YOU --team TEAM --mfa")';
  const hints: Record<string, string> = {
    Unauthorized: `the token is missing, expired or not for this API: ${relogin}`,
    Forbidden: `the token lacks a scope this route needs: ${relogin}`,
    'not-personal':
      'only a person’s token can approve or reject, not a service’s or a shared account’s (locally: log in without --service)',
    'no-mfa': `approving needs a token from a sign-in with a second factor: ${relogin}`,
    'not-in-required-team': `only members of the teams the change still needs can approve: see "${show}"`,
    'not-proposer': 'only the proposer can withdraw a change; an approver can reject it instead',
    'not-pending': `the change is no longer waiting for decisions: see "${show}"`,
    expired: 'the change expired before it had its approvals: ask again with "ward request"',
    'stale-view': `the change or its impact moved since it was shown: run "ward approve ${call.changeId ?? 'ID'}" again to see it as it is now`,
    NotFound: 'check the id with "ward changes"',
    IdempotencyKeyReused:
      'that --idempotency-key was used for a different request: leave it out or give a new one',
    InProgress: 'the same request is still being processed: run the command again shortly',
    InvalidChange: 'fix the rules named above and ask again',
  };
  if (status >= 500)
    return 'the API failed; nothing is known to have changed: try again, and report it with the message above if it persists';
  return hints[code];
}

/** A client for a command: its environment's or stored API URL and token. */
export function apiClientFor(io: CliIo): WardApiClient {
  const seconds = Number(io.env.WARD_API_TIMEOUT_SECONDS);
  return new WardApiClient(
    resolveApiTarget(io),
    Number.isFinite(seconds) && seconds > 0 ? { timeoutMs: seconds * 1000 } : {},
  );
}
