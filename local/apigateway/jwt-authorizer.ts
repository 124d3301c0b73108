import { createLocalJWKSet, jwtVerify, type JWK, type JWTPayload } from 'jose';

export interface JwtAuthorizerConfig {
  readonly issuer: string;
  readonly audience: readonly string[];
  /** Where the token is read from, e.g. `$request.header.Authorization`. */
  readonly identitySource: string;
}

export type AuthorizerOutcome =
  | { readonly ok: true; readonly claims: Record<string, string>; readonly scopes: string[] | null }
  | { readonly ok: false; readonly status: 401 | 403; readonly reason: string };

/**
 * API Gateway's JWT authorizer, run against the local issuer's keys: the token must be signed
 * by a trusted key, come from the configured issuer, be meant for one of the audiences (`aud`
 * or `client_id`), be within `nbf`/`exp`, and carry the route's scopes. Claims come out as API
 * Gateway hands them to the function: every value a string, arrays as "[a b]".
 */
export class JwtAuthorizer {
  private readonly keys: ReturnType<typeof createLocalJWKSet>;

  constructor(
    private readonly config: JwtAuthorizerConfig,
    jwks: { keys: JWK[] },
  ) {
    this.keys = createLocalJWKSet(jwks);
  }

  async authorize(
    headers: Readonly<Record<string, string>>,
    query: URLSearchParams,
    requiredScopes: readonly string[],
  ): Promise<AuthorizerOutcome> {
    const raw = this.tokenFrom(headers, query);
    if (raw === undefined || raw === '')
      return { ok: false, status: 401, reason: 'no token in the identity source' };
    const token = raw.replace(/^Bearer\s+/i, '');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.config.issuer,
        algorithms: ['RS256'],
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      return {
        ok: false,
        status: 401,
        reason: error instanceof Error ? error.message : String(error),
      };
    }
    const audiences = [payload.aud, (payload as Record<string, unknown>).client_id]
      .flat()
      .filter((a): a is string => typeof a === 'string');
    if (!audiences.some((a) => this.config.audience.includes(a)))
      return { ok: false, status: 401, reason: 'the token is not meant for this API (aud)' };
    const scopes = scopesOf(payload);
    if (requiredScopes.length > 0 && !requiredScopes.some((s) => scopes.includes(s))) {
      return {
        ok: false,
        status: 403,
        reason: `the token lacks the scopes ${requiredScopes.join(', ')}`,
      };
    }
    return { ok: true, claims: flattenClaims(payload), scopes: scopes.length > 0 ? scopes : null };
  }

  private tokenFrom(
    headers: Readonly<Record<string, string>>,
    query: URLSearchParams,
  ): string | undefined {
    const source = this.config.identitySource;
    const header = /^\$request\.header\.(.+)$/i.exec(source);
    if (header) return headers[(header[1] ?? '').toLowerCase()];
    const parameter = /^\$request\.querystring\.(.+)$/i.exec(source);
    if (parameter) return query.get(parameter[1] ?? '') ?? undefined;
    return undefined;
  }
}

function scopesOf(payload: JWTPayload): string[] {
  const scope =
    (payload as Record<string, unknown>).scope ?? (payload as Record<string, unknown>).scp;
  if (typeof scope === 'string') return scope.split(' ').filter(Boolean);
  return Array.isArray(scope) ? scope.map(String) : [];
}

/** API Gateway's rendering of claims for HTTP APIs: strings, with arrays as "[a b c]". */
export function flattenClaims(payload: JWTPayload): Record<string, string> {
  return Object.fromEntries(
    Object.entries(payload).map(([name, value]) => [
      name,
      Array.isArray(value)
        ? `[${value.map(String).join(' ')}]`
        : typeof value === 'object' && value !== null
          ? JSON.stringify(value)
          : String(value),
    ]),
  );
}
