import { Route53ResolverClient } from '@aws-sdk/client-route53resolver';
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { PromotionTargets } from '../../contracts/promotion-contracts';
import type { StageName } from '../../core/promotion/stages';
import { wafV2Clients, type WafV2Clients } from './wafv2-target';

/** Temporary credentials as SDK clients take them. */
interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** Refresh this long before the credentials expire, so no call is signed with stale ones. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * Credentials of a role in another account, from STS AssumeRole: asked for once, then again
 * only as they near expiry. Concurrent callers share one request.
 */
export function assumedRoleCredentials(
  sts: STSClient,
  roleArn: string,
  sessionName: string,
  now: () => number = Date.now,
): () => Promise<Credentials> {
  let current: Promise<Credentials> | undefined;
  let expiresAt = 0;
  const fetch = async (): Promise<Credentials> => {
    const answer = await sts.send(
      new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName }),
    );
    const c = answer.Credentials;
    if (c?.AccessKeyId === undefined || c.SecretAccessKey === undefined)
      throw new StageAccountError(`AssumeRole of ${roleArn} returned no credentials`);
    expiresAt = c.Expiration?.getTime() ?? now() + 15 * 60_000;
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      ...(c.SessionToken !== undefined ? { sessionToken: c.SessionToken } : {}),
      ...(c.Expiration !== undefined ? { expiration: c.Expiration } : {}),
    };
  };
  return () => {
    if (current === undefined || now() >= expiresAt - REFRESH_MARGIN_MS) {
      // Until STS answers, every caller waits on the same request.
      expiresAt = Number.POSITIVE_INFINITY;
      const pending = fetch();
      // A failed request is not kept: the next caller asks STS again.
      void pending.catch(() => {
        if (current === pending) current = undefined;
      });
      current = pending;
    }
    return current;
  };
}

/** The stage's role could not be assumed, or gave nothing usable: the stage cannot be reached. */
export class StageAccountError extends Error {
  override readonly name = 'StageAccountError';
}

/**
 * The WAFv2 and Route 53 Resolver clients of each fleet stage, each signed with the stage's
 * role in its own account and pointed at its Region; made once per stage, on first use.
 */
export class StageAccounts {
  private readonly waf = new Map<StageName, WafV2Clients>();
  private readonly dns = new Map<StageName, Route53ResolverClient>();
  private readonly credentials = new Map<StageName, () => Promise<Credentials>>();

  constructor(
    private readonly targets: PromotionTargets,
    private readonly sts: STSClient,
    /** Names the session in the stage account's CloudTrail: which function acted. */
    private readonly sessionName: string,
  ) {}

  wafFor(stage: StageName): WafV2Clients {
    let clients = this.waf.get(stage);
    if (clients === undefined) {
      clients = wafV2Clients({
        region: this.targets[stage].region,
        credentials: this.credentialsOf(stage),
      });
      this.waf.set(stage, clients);
    }
    return clients;
  }

  dnsFirewallFor(stage: StageName): Route53ResolverClient {
    let client = this.dns.get(stage);
    if (client === undefined) {
      client = new Route53ResolverClient({
        region: this.targets[stage].region,
        credentials: this.credentialsOf(stage),
      });
      this.dns.set(stage, client);
    }
    return client;
  }

  private credentialsOf(stage: StageName): () => Promise<Credentials> {
    let provider = this.credentials.get(stage);
    if (provider === undefined) {
      provider = assumedRoleCredentials(this.sts, this.targets[stage].roleArn, this.sessionName);
      this.credentials.set(stage, provider);
    }
    return provider;
  }
}
