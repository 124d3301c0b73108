import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet } from 'jose';
import { BreakGlassRefusedError } from '../../core/break-glass/grant';

/**
 * Verifies a person's IdP token inside the break-glass function, with the issuer's public keys
 * from configuration: break glass must not need an API Gateway authorizer, nor the IdP's key
 * endpoint, to know who is asking.
 */
export class TokenVerifier {
  private readonly keys: ReturnType<typeof createLocalJWKSet>;

  constructor(
    jwks: JSONWebKeySet,
    private readonly expected: { readonly issuer: string; readonly audience: string },
  ) {
    this.keys = createLocalJWKSet(jwks);
  }

  async claims(token: string | undefined): Promise<Record<string, unknown>> {
    if (token === undefined || token === '')
      throw new BreakGlassRefusedError(
        'invalid-token',
        'no identity token: log in (ward login) or give --token',
      );
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: this.expected.issuer,
        audience: this.expected.audience,
      });
      return payload;
    } catch (error) {
      if (error instanceof errors.JOSEError)
        throw new BreakGlassRefusedError(
          'invalid-token',
          `the identity token was refused: ${error.message}`,
        );
      throw error;
    }
  }
}
