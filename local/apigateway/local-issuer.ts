import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

const ALGORITHM = 'RS256';

export interface TokenRequest {
  /** The person or service the token speaks for (`sub`). */
  readonly principal: string;
  readonly issuer: string;
  readonly audience: string;
  /** Identity-provider groups, in the claim named by `groupsClaim`. */
  readonly groups?: readonly string[];
  readonly groupsClaim?: string;
  /** Authentication methods (`amr`): a second factor such as `mfa` when the person used one. */
  readonly amr?: readonly string[];
  readonly expiresInSeconds?: number;
  readonly extraClaims?: Readonly<Record<string, unknown>>;
}

/**
 * The local identity provider: an RSA key kept in the runtime's state directory, so tokens
 * minted by `ward local token` verify in a runtime started separately. It stands in for the
 * company IdP; the HTTP API checks its tokens exactly as API Gateway checks the real one's.
 */
export class LocalIssuer {
  private constructor(
    private readonly privateJwk: JWK,
    readonly publicJwk: JWK,
  ) {}

  /** Loads the key from `keyFile`, creating it on first use. */
  static async loadOrCreate(keyFile: string): Promise<LocalIssuer> {
    if (existsSync(keyFile)) {
      const { privateJwk, publicJwk } = JSON.parse(readFileSync(keyFile, 'utf8')) as {
        privateJwk: JWK;
        publicJwk: JWK;
      };
      return new LocalIssuer(privateJwk, publicJwk);
    }
    const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, { extractable: true });
    const kid = `local-${Date.now().toString(36)}`;
    const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: ALGORITHM, use: 'sig' };
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: ALGORITHM, use: 'sig' };
    mkdirSync(dirname(keyFile), { recursive: true });
    writeFileSync(keyFile, JSON.stringify({ privateJwk, publicJwk }, null, 2), { mode: 0o600 });
    return new LocalIssuer(privateJwk, publicJwk);
  }

  /** The key set a verifier trusts, as an IdP publishes it at its jwks_uri. */
  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  async sign(request: TokenRequest): Promise<string> {
    const key = await importJWK(this.privateJwk, ALGORITHM);
    const claims: Record<string, unknown> = {
      ...request.extraClaims,
      [request.groupsClaim ?? 'groups']: [...(request.groups ?? [])],
      amr: [...(request.amr ?? ['pwd'])],
    };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: ALGORITHM, kid: this.publicJwk.kid ?? '', typ: 'JWT' })
      .setSubject(request.principal)
      .setIssuer(request.issuer)
      .setAudience(request.audience)
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + (request.expiresInSeconds ?? 3600))
      .sign(key);
  }
}
