import {
  CreateIPSetCommand,
  CreateRegexPatternSetCommand,
  CreateWebACLCommand,
  GetIPSetCommand,
  GetRegexPatternSetCommand,
  GetWebACLCommand,
  ListIPSetsCommand,
  ListRegexPatternSetsCommand,
  ListWebACLsCommand,
  UpdateIPSetCommand,
  UpdateRegexPatternSetCommand,
  UpdateWebACLCommand,
  WAFOptimisticLockException,
  WAFV2Client,
  type CreateWebACLRequest,
  type WAFV2ClientConfig,
} from '@aws-sdk/client-wafv2';
import { FLEET_BREAK_GLASS_OWNER } from '../../contracts/break-glass';
import { FLEET_OWNER_TAG_KEY } from '../../contracts/promotion-contracts';
import { canonicalJson, sha256Hex } from '../../core/canonical-json';
import { reference, resolveReferences, type ReferenceKind } from '../../core/edge/references';
import { WAF_FILE_PREFIX, type CompiledEndpoint } from '../../core/edge/waf-compiler';
import type { StageName } from '../../core/promotion/stages';
import {
  ensureAdmitted,
  ownedFiles,
  type AppliedPart,
  type ApplyRequest,
  type PromotionTarget,
  type TargetBundle,
} from '../../core/promotion/targets';
import { CallCounter, parseBundleJson, TargetApplyError } from './target-apply-error';
import { canonicalAddresses, projectWebAcl, sameAddresses, type Scope } from './wafv2-live-shapes';

/** One client per scope: WAF serves CLOUDFRONT web ACLs only from us-east-1. */
export interface WafV2Clients {
  readonly REGIONAL: WAFV2Client;
  readonly CLOUDFRONT: WAFV2Client;
}

export function wafV2Clients(config: WAFV2ClientConfig): WafV2Clients {
  return {
    REGIONAL: new WAFV2Client(config),
    CLOUDFRONT: new WAFV2Client({ ...config, region: 'us-east-1' }),
  };
}

export interface WafV2TargetDeps {
  /** Each stage lives in its own account, so it has its own clients. */
  readonly clientsFor: (stage: StageName) => WafV2Clients;
  /** Attempts per resource when another writer keeps changing it. @default 5 */
  readonly maxLockAttempts?: number;
}

interface LiveItem {
  readonly Name?: string;
  readonly Id?: string;
  readonly ARN?: string;
}

const NAME = 'wafv2';

/**
 * Applies the bundle's `waf/` files: IP sets and regex pattern sets first (created, or
 * updated when they differ), then each web ACL with their ARNs in place of the `ward-ref:`
 * placeholders. The endpoint's break-glass IP sets are created empty (tagged
 * `ward:owner=break-glass`) when missing and otherwise left alone: break glass owns their
 * addresses, so neither apply nor read-back looks at them beyond their existence. Every update reads the lock token with the resource and is retried from that
 * read when another writer got in between; an unchanged resource is not written at all.
 */
export class WafV2Target implements PromotionTarget {
  readonly name = NAME;
  readonly ownedPrefixes = [WAF_FILE_PREFIX];

  constructor(private readonly deps: WafV2TargetDeps) {}

  async apply(request: ApplyRequest): Promise<AppliedPart> {
    ensureAdmitted(NAME, request);
    const session = new WafSession(this.deps.clientsFor(request.stage), this.attempts());
    const files = ownedFiles(request.bundle, this.ownedPrefixes);
    for (const [path, content] of files) {
      await session.applyEndpoint(parseBundleJson<CompiledEndpoint>(NAME, path, content));
    }
    return {
      target: NAME,
      stage: request.stage,
      bundle: request.bundle.ref,
      paths: files.map(([path]) => path),
      calls: session.counter.calls,
    };
  }

  async readBack(stage: StageName, expected: TargetBundle): Promise<Record<string, string>> {
    const session = new WafSession(this.deps.clientsFor(stage), this.attempts());
    const hashes: Record<string, string> = {};
    for (const [path, content] of ownedFiles(expected, this.ownedPrefixes)) {
      const live = await session.readEndpoint(
        parseBundleJson<CompiledEndpoint>(NAME, path, content),
      );
      if (live !== undefined) hashes[path] = sha256Hex(`${canonicalJson(live, 2)}\n`);
    }
    return hashes;
  }

  private attempts(): number {
    return Math.max(1, this.deps.maxLockAttempts ?? 5);
  }
}

/** One apply or read-back: caches the listings so each is read once per scope. */
class WafSession {
  readonly counter = new CallCounter();
  private readonly listings = new Map<string, Promise<LiveItem[]>>();

  constructor(
    private readonly clients: WafV2Clients,
    private readonly lockAttempts: number,
  ) {}

  async applyEndpoint(endpoint: CompiledEndpoint): Promise<void> {
    const scope = endpoint.webAcl.Scope;
    const client = this.clients[scope];
    const arns = new Map<string, string>();
    for (const set of endpoint.breakGlassIpSets ?? []) {
      const existing = (await this.listing(scope, 'ipset')).find((i) => i.Name === set.Name);
      let arn = existing?.ARN;
      if (arn === undefined) {
        const created = await this.counter.count(() =>
          client.send(
            new CreateIPSetCommand({
              ...set,
              Addresses: [],
              Description: `Ward break glass: emergency sources allowed first by ${endpoint.webAcl.Name}`,
              Tags: [{ Key: FLEET_OWNER_TAG_KEY, Value: FLEET_BREAK_GLASS_OWNER }],
            }),
          ),
        );
        arn = created.Summary?.ARN;
        if (arn === undefined)
          throw new TargetApplyError(NAME, `creating ipset ${set.Name} returned no ARN`);
      }
      arns.set(`ipset/${set.Name}`, arn);
    }
    for (const set of endpoint.ipSets) {
      const arn = await this.upsert(scope, 'ipset', set.Name, {
        create: () => new CreateIPSetCommand({ ...set, Addresses: [...set.Addresses] }),
        read: async (id) => {
          const got = await this.counter.count(() =>
            client.send(new GetIPSetCommand({ Name: set.Name, Scope: scope, Id: id })),
          );
          return {
            lockToken: got.LockToken,
            same: sameAddresses(got.IPSet?.Addresses, set.Addresses),
          };
        },
        update: (id, lockToken) =>
          new UpdateIPSetCommand({
            Name: set.Name,
            Scope: scope,
            Id: id,
            LockToken: lockToken,
            Addresses: [...set.Addresses],
          }),
      });
      arns.set(`ipset/${set.Name}`, arn);
    }
    for (const set of endpoint.regexPatternSets) {
      const list = set.RegularExpressionList.map((r) => ({ RegexString: r.RegexString }));
      const arn = await this.upsert(scope, 'regexset', set.Name, {
        create: () => new CreateRegexPatternSetCommand({ ...set, RegularExpressionList: list }),
        read: async (id) => {
          const got = await this.counter.count(() =>
            client.send(new GetRegexPatternSetCommand({ Name: set.Name, Scope: scope, Id: id })),
          );
          const live = got.RegexPatternSet?.RegularExpressionList?.map((r) => r.RegexString ?? '');
          return {
            lockToken: got.LockToken,
            same:
              canonicalJson(live?.sort()) === canonicalJson(list.map((r) => r.RegexString).sort()),
          };
        },
        update: (id, lockToken) =>
          new UpdateRegexPatternSetCommand({
            Name: set.Name,
            Scope: scope,
            Id: id,
            LockToken: lockToken,
            RegularExpressionList: list,
          }),
      });
      arns.set(`regexset/${set.Name}`, arn);
    }
    const webAcl = resolveReferences(endpoint.webAcl, (kind, name) => arns.get(`${kind}/${name}`));
    const input = webAcl as unknown as CreateWebACLRequest;
    await this.upsert(scope, 'webacl', webAcl.Name, {
      create: () => new CreateWebACLCommand(input),
      read: async (id) => {
        const got = await this.counter.count(() =>
          client.send(new GetWebACLCommand({ Name: webAcl.Name, Scope: scope, Id: id })),
        );
        return {
          lockToken: got.LockToken,
          same:
            canonicalJson(
              projectWebAcl(got.WebACL as Record<string, unknown> | undefined, scope),
            ) === canonicalJson(webAcl),
        };
      },
      update: (id, lockToken) =>
        new UpdateWebACLCommand({ ...input, Id: id, LockToken: lockToken }),
    });
  }

  /** The endpoint's document rebuilt from what WAF holds, or undefined when its web ACL is gone. */
  async readEndpoint(endpoint: CompiledEndpoint): Promise<CompiledEndpoint | undefined> {
    const scope = endpoint.webAcl.Scope;
    const client = this.clients[scope];
    const acl = (await this.listing(scope, 'webacl')).find((i) => i.Name === endpoint.webAcl.Name);
    if (acl === undefined) return undefined;
    const placeholders = new Map<string, string>();
    // Break glass's sets: that they exist (and are referenced, below), never what they hold.
    const breakGlassIpSets = [];
    for (const set of endpoint.breakGlassIpSets ?? []) {
      const live = (await this.listing(scope, 'ipset')).find((i) => i.Name === set.Name);
      if (live === undefined) continue;
      const got = await this.counter.count(() =>
        client.send(new GetIPSetCommand({ Name: set.Name, Scope: scope, Id: live.Id })),
      );
      placeholders.set(live.ARN ?? '', reference('ipset', set.Name));
      breakGlassIpSets.push({
        Name: set.Name,
        Scope: scope,
        IPAddressVersion: got.IPSet?.IPAddressVersion,
        Addresses: [],
      });
    }
    const ipSets = [];
    for (const set of endpoint.ipSets) {
      const live = (await this.listing(scope, 'ipset')).find((i) => i.Name === set.Name);
      if (live === undefined) continue;
      const got = await this.counter.count(() =>
        client.send(new GetIPSetCommand({ Name: set.Name, Scope: scope, Id: live.Id })),
      );
      placeholders.set(live.ARN ?? '', reference('ipset', set.Name));
      ipSets.push({
        Name: set.Name,
        Scope: scope,
        IPAddressVersion: got.IPSet?.IPAddressVersion,
        Addresses: canonicalAddresses(got.IPSet?.Addresses ?? []),
      });
    }
    const regexPatternSets = [];
    for (const set of endpoint.regexPatternSets) {
      const live = (await this.listing(scope, 'regexset')).find((i) => i.Name === set.Name);
      if (live === undefined) continue;
      const got = await this.counter.count(() =>
        client.send(new GetRegexPatternSetCommand({ Name: set.Name, Scope: scope, Id: live.Id })),
      );
      placeholders.set(live.ARN ?? '', reference('regexset', set.Name));
      const patterns = (got.RegexPatternSet?.RegularExpressionList ?? []).map(
        (r) => r.RegexString ?? '',
      );
      regexPatternSets.push({
        Name: set.Name,
        Scope: scope,
        RegularExpressionList: [...new Set(patterns)].sort().map((p) => ({ RegexString: p })),
      });
    }
    const got = await this.counter.count(() =>
      client.send(new GetWebACLCommand({ Name: acl.Name, Scope: scope, Id: acl.Id })),
    );
    const webAcl = JSON.parse(
      JSON.stringify(
        projectWebAcl(got.WebACL as Record<string, unknown> | undefined, scope),
        (_key, value: unknown) =>
          typeof value === 'string' ? (placeholders.get(value) ?? value) : value,
      ),
    ) as CompiledEndpoint['webAcl'];
    // Capacity is Ward's own figure for the rules, not state WAF holds: it comes from the bundle.
    return {
      endpoint: endpoint.endpoint,
      ipSets,
      ...(endpoint.breakGlassIpSets !== undefined ? { breakGlassIpSets } : {}),
      regexPatternSets,
      webAcl,
      capacity: endpoint.capacity,
    } as CompiledEndpoint;
  }

  /** Creates the named item, or updates it under its lock token when it differs; returns its ARN. */
  private async upsert(
    scope: Scope,
    kind: ReferenceKind | 'webacl',
    name: string,
    ops: {
      create: () => CreateIPSetCommand | CreateRegexPatternSetCommand | CreateWebACLCommand;
      read: (id: string) => Promise<{ lockToken?: string; same: boolean }>;
      update: (
        id: string,
        lockToken: string,
      ) => UpdateIPSetCommand | UpdateRegexPatternSetCommand | UpdateWebACLCommand;
    },
  ): Promise<string> {
    const client = this.clients[scope];
    const existing = (await this.listing(scope, kind)).find((i) => i.Name === name);
    const id = existing?.Id;
    const arn = existing?.ARN;
    if (id === undefined || arn === undefined) {
      const created = await this.counter.count(() =>
        client.send(ops.create() as CreateWebACLCommand),
      );
      const createdArn = created.Summary?.ARN;
      if (createdArn === undefined)
        throw new TargetApplyError(NAME, `creating ${kind} ${name} returned no ARN`);
      return createdArn;
    }
    for (let attempt = 1; ; attempt += 1) {
      const { lockToken, same } = await ops.read(id);
      if (same) return arn;
      if (lockToken === undefined)
        throw new TargetApplyError(NAME, `${kind} ${name} came back without a lock token`);
      try {
        await this.counter.count(() =>
          client.send(ops.update(id, lockToken) as UpdateWebACLCommand),
        );
        return arn;
      } catch (error) {
        if (!(error instanceof WAFOptimisticLockException)) throw error;
        if (attempt >= this.lockAttempts) {
          throw new TargetApplyError(
            NAME,
            `${kind} ${name} kept changing under us; gave up after ${attempt} attempts`,
            { cause: error },
          );
        }
        // Another writer changed it between our read and write: read again and re-apply.
        await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
      }
    }
  }

  private listing(scope: Scope, kind: ReferenceKind | 'webacl'): Promise<LiveItem[]> {
    const key = `${scope}/${kind}`;
    let listing = this.listings.get(key);
    if (listing === undefined) {
      listing = this.listAll(scope, kind);
      this.listings.set(key, listing);
    }
    return listing;
  }

  private async listAll(scope: Scope, kind: ReferenceKind | 'webacl'): Promise<LiveItem[]> {
    const client = this.clients[scope];
    const items: LiveItem[] = [];
    let marker: string | undefined;
    let pageSize = 0;
    do {
      const input = {
        Scope: scope,
        Limit: 100,
        ...(marker === undefined ? {} : { NextMarker: marker }),
      };
      if (kind === 'ipset') {
        const page = await this.counter.count(() => client.send(new ListIPSetsCommand(input)));
        pageSize = page.IPSets?.length ?? 0;
        items.push(...(page.IPSets ?? []));
        marker = page.NextMarker;
      } else if (kind === 'regexset') {
        const page = await this.counter.count(() =>
          client.send(new ListRegexPatternSetsCommand(input)),
        );
        pageSize = page.RegexPatternSets?.length ?? 0;
        items.push(...(page.RegexPatternSets ?? []));
        marker = page.NextMarker;
      } else {
        const page = await this.counter.count(() => client.send(new ListWebACLsCommand(input)));
        pageSize = page.WebACLs?.length ?? 0;
        items.push(...(page.WebACLs ?? []));
        marker = page.NextMarker;
      }
      // WAF may return a marker with the last page too; a page short of the limit ends it.
    } while (marker !== undefined && pageSize === 100);
    return items;
  }
}
