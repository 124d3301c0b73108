import type { JWK } from 'jose';
import type { InvokeOutcome } from '../lambda/local-function';
import { JwtAuthorizer } from './jwt-authorizer';
import {
  LambdaRequestAuthorizer,
  type AuthorizationRequest,
  type RouteAuthorization,
  type RouteAuthorizer,
} from './lambda-authorizer';

/** An `AWS::ApiGatewayV2::Authorizer` as the runtime runs it. */
export type AuthorizerDefinition =
  | {
      readonly type: 'JWT';
      readonly issuer: string;
      readonly audience: string[];
      readonly identitySource: string;
    }
  | {
      readonly type: 'REQUEST';
      readonly functionArn: string;
      readonly identitySource: string[];
      readonly simpleResponses: boolean;
      readonly resultTtlSeconds: number;
    };

/** The JWT authorizer behind the common interface: claims and scopes as API Gateway passes them. */
class JwtRouteAuthorizer implements RouteAuthorizer {
  constructor(private readonly jwt: JwtAuthorizer) {}

  async authorize(request: AuthorizationRequest): Promise<RouteAuthorization> {
    const outcome = await this.jwt.authorize(
      request.headers,
      request.query,
      request.requiredScopes,
    );
    if (!outcome.ok)
      return {
        ...outcome,
        ...(outcome.status === 401
          ? { headers: { 'www-authenticate': 'Bearer error="invalid_token"' } }
          : {}),
      };
    return {
      ok: true,
      context: { jwt: { claims: outcome.claims, scopes: outcome.scopes } },
      ...(outcome.claims.sub !== undefined ? { principal: outcome.claims.sub } : {}),
    };
  }
}

/** The authorizers of one HTTP API, ready to run: JWT against the local issuer, REQUEST through the functions. */
export function routeAuthorizers(
  definitions: ReadonlyMap<string, AuthorizerDefinition>,
  env: {
    readonly jwks: { keys: JWK[] };
    readonly invoke: (functionArn: string, event: unknown) => Promise<InvokeOutcome>;
    readonly region: string;
    readonly accountId: string;
    readonly apiId: string;
  },
): Map<string, RouteAuthorizer> {
  return new Map(
    [...definitions].map(([id, definition]): [string, RouteAuthorizer] => [
      id,
      definition.type === 'JWT'
        ? new JwtRouteAuthorizer(new JwtAuthorizer(definition, env.jwks))
        : new LambdaRequestAuthorizer(
            {
              functionArn: definition.functionArn,
              identitySource: definition.identitySource,
              simpleResponses: definition.simpleResponses,
              resultTtlSeconds: definition.resultTtlSeconds,
              region: env.region,
              accountId: env.accountId,
              apiId: env.apiId,
            },
            env.invoke,
          ),
    ]),
  );
}
