import { randomUUID } from 'node:crypto';
import { isCidr, parseCidr } from '../../lambdas/core/edge/cidr';
import { AwsServiceError } from '../aws-endpoint/aws-errors';
import type { JsonOperation } from '../aws-endpoint/json-protocol';
import type { SigningCaller } from './signing-caller';
import { invalid } from './waf-capacity';
import { WafTagStore } from './waf-tags';
import { checkWebAcl, DEFAULT_LOCAL_WAF_LIMITS, type LocalWafLimits } from './web-acl-checks';

/**
 * A stand-in for AWS WAFv2, which has no local engine: IP sets, regex pattern sets and web
 * ACLs per caller account and Region, with WAF's contract enforced (lock tokens, names,
 * CLOUDFRONT only in us-east-1, capacity and size limits, references that must exist, items
 * in use that cannot be deleted, tags and their limits: `waf-tags.ts`), answering with the
 * exceptions the SDK raises. In memory.
 */

export type WafScope = 'REGIONAL' | 'CLOUDFRONT';
type Kind = 'ipset' | 'regexpatternset' | 'webacl';

export type WafCaller = SigningCaller;

interface Item {
  readonly Id: string;
  readonly ARN: string;
  readonly Name: string;
  readonly kind: Kind;
  LockToken: string;
  body: Record<string, unknown>;
}

const NAME = /^[\w-]{1,128}$/;
const KIND_LABEL: Record<Kind, string> = {
  ipset: 'IPSet',
  regexpatternset: 'RegexPatternSet',
  webacl: 'WebACL',
};

/** A create or update WAF accepted: which caller, which resource. */
export interface WafWrite {
  readonly caller: WafCaller;
  readonly kind: Kind;
  readonly scope: WafScope;
  readonly name: string;
  readonly id: string;
}

export class LocalWafV2 {
  /** Items by `<access key>/<region>/<scope>`, then by id. */
  private readonly spaces = new Map<string, Map<string, Item>>();
  private readonly writeListeners = new Set<(write: WafWrite) => void>();
  private readonly tags = new WafTagStore();

  constructor(readonly limits: LocalWafLimits = DEFAULT_LOCAL_WAF_LIMITS) {}

  /**
   * Calls `listener` after each create or update WAF accepted, before the caller hears back:
   * where a test plays another writer (Firewall Manager, someone in the console) that changes
   * a resource right after Ward did, through the same operations. Returns the unsubscribe.
   */
  onWrite(listener: (write: WafWrite) => void): () => void {
    this.writeListeners.add(listener);
    return () => this.writeListeners.delete(listener);
  }

  private written(caller: WafCaller, kind: Kind, input: Record<string, unknown>, id: string) {
    const write = { caller, kind, scope: scopeOf(caller, input), name: nameOf(input), id };
    for (const listener of [...this.writeListeners]) listener(write);
  }

  /** The operations as one caller sees them (the JSON protocol's handler picks the caller). */
  operations(caller: WafCaller): Record<string, JsonOperation> {
    const kindOps = (
      kind: Kind,
      plural: string,
      fields: (input: Record<string, unknown>) => Record<string, unknown>,
    ) => {
      const label = KIND_LABEL[kind];
      return {
        [`Create${label}`]: (input: Record<string, unknown>) => {
          // Checked before anything is created: bad tags create nothing.
          const tags = this.tags.parse(input.Tags);
          const created = this.create(caller, kind, input, fields);
          if (tags.length > 0) this.tags.tag(created.ARN, tags);
          this.written(caller, kind, input, created.Id);
          return { Summary: this.summary(created) };
        },
        [`Get${label}`]: (input: Record<string, unknown>) => {
          const item = this.find(caller, kind, input);
          return { [label]: this.describe(item), LockToken: item.LockToken };
        },
        [`Update${label}`]: (input: Record<string, unknown>) => {
          const next = this.update(caller, kind, input, fields);
          this.written(caller, kind, input, String(input.Id));
          return { NextLockToken: next };
        },
        [`List${plural}`]: (input: Record<string, unknown>) =>
          this.list(caller, kind, input, plural),
        [`Delete${label}`]: (input: Record<string, unknown>) => {
          this.delete(caller, kind, input);
          return {};
        },
      };
    };
    return {
      ...kindOps('ipset', 'IPSets', (input) => this.ipSetFields(input)),
      ...kindOps('regexpatternset', 'RegexPatternSets', (input) => this.regexSetFields(input)),
      ...kindOps('webacl', 'WebACLs', (input) => this.webAclFields(caller, input)),
      TagResource: (input) => {
        const arn = this.resourceArn(caller, input);
        this.tags.tag(arn, this.tags.parse(input.Tags));
        return {};
      },
      UntagResource: (input) => {
        this.tags.untag(this.resourceArn(caller, input), input.TagKeys);
        return {};
      },
      ListTagsForResource: (input) => this.tags.list(this.resourceArn(caller, input), input),
      CheckCapacity: (input) => ({
        Capacity: checkWebAcl({ Rules: input.Rules ?? [] }, this.limits, (arn) =>
          this.byArn(caller, scopeOf(caller, input), arn),
        ),
      }),
    };
  }

  private create(
    caller: WafCaller,
    kind: Kind,
    input: Record<string, unknown>,
    fields: (input: Record<string, unknown>) => Record<string, unknown>,
  ): Item {
    const space = this.space(caller, scopeOf(caller, input));
    const name = nameOf(input);
    const items = [...space.values()].filter((i) => i.kind === kind);
    if (items.some((i) => i.Name === name)) {
      throw new AwsServiceError(
        'WAFDuplicateItemException',
        `AWS WAF couldn't perform the operation because some resource in your request is a duplicate of an existing one: ${KIND_LABEL[kind]} ${name}`,
      );
    }
    const quota =
      kind === 'regexpatternset' ? this.limits.regexPatternSets : this.limits.itemsPerKind;
    if (items.length >= quota) {
      throw new AwsServiceError(
        'WAFLimitsExceededException',
        `AWS WAF couldn't perform the operation because you exceeded your resource limit: ${quota} ${KIND_LABEL[kind]} objects per account and Region`,
      );
    }
    const id = randomUUID();
    const scope = scopeOf(caller, input);
    const arnScope = scope === 'CLOUDFRONT' ? 'global' : 'regional';
    const item: Item = {
      Id: id,
      ARN: `arn:aws:wafv2:${caller.region}:${caller.account}:${arnScope}/${kind}/${name}/${id}`,
      Name: name,
      kind,
      LockToken: randomUUID(),
      body: { ...fields(input), ...description(input) },
    };
    space.set(id, item);
    return item;
  }

  private update(
    caller: WafCaller,
    kind: Kind,
    input: Record<string, unknown>,
    fields: (input: Record<string, unknown>) => Record<string, unknown>,
  ): string {
    const item = this.find(caller, kind, input);
    // UpdateIPSet takes no version: the set keeps, and is checked against, the one it was created with.
    const kept = kind === 'ipset' ? { IPAddressVersion: item.body.IPAddressVersion } : {};
    const body = { ...fields({ ...input, ...kept }), ...description(input) };
    if (typeof input.LockToken !== 'string' || input.LockToken === '')
      throw invalid('LOCK_TOKEN', 'a lock token is required');
    if (input.LockToken !== item.LockToken) {
      throw new AwsServiceError(
        'WAFOptimisticLockException',
        "AWS WAF couldn't save your changes because someone changed the resource after you started to edit it. Reapply your changes.",
      );
    }
    item.body = body;
    item.LockToken = randomUUID();
    return item.LockToken;
  }

  private delete(caller: WafCaller, kind: Kind, input: Record<string, unknown>): void {
    const item = this.find(caller, kind, input);
    if (input.LockToken !== item.LockToken) {
      throw new AwsServiceError(
        'WAFOptimisticLockException',
        "AWS WAF couldn't save your changes because someone changed the resource after you started to edit it. Reapply your changes.",
      );
    }
    const space = this.space(caller, scopeOf(caller, input));
    const user = [...space.values()].find(
      (other) =>
        other.kind === 'webacl' && JSON.stringify(other.body.Rules ?? []).includes(`"${item.ARN}"`),
    );
    if (user !== undefined) {
      throw new AwsServiceError(
        'WAFAssociatedItemException',
        `AWS WAF couldn't perform the operation because your resource is being used by another resource: web ACL ${user.Name}`,
      );
    }
    space.delete(item.Id);
    this.tags.forget(item.ARN);
  }

  /** The ARN of one of the caller's resources (any scope), or WAF's not-found exception. */
  private resourceArn(caller: WafCaller, input: Record<string, unknown>): string {
    const arn = input.ResourceARN;
    if (typeof arn !== 'string' || arn === '') throw invalid('RESOURCE_ARN', 'is required');
    for (const scope of ['REGIONAL', 'CLOUDFRONT'] as const) {
      const own = caller.region === 'us-east-1' || scope === 'REGIONAL';
      if (own && [...this.space(caller, scope).values()].some((i) => i.ARN === arn)) return arn;
    }
    throw new AwsServiceError(
      'WAFNonexistentItemException',
      `AWS WAF couldn't perform the operation because your resource doesn't exist: ${arn}`,
    );
  }

  private list(caller: WafCaller, kind: Kind, input: Record<string, unknown>, plural: string) {
    const limit = typeof input.Limit === 'number' ? input.Limit : 100;
    if (limit < 1 || limit > 100) throw invalid('LIMIT', 'must be 1 to 100');
    const start = typeof input.NextMarker === 'string' ? Number(input.NextMarker) : 0;
    const items = [...this.space(caller, scopeOf(caller, input)).values()]
      .filter((i) => i.kind === kind)
      .sort((a, b) => (a.Name < b.Name ? -1 : 1));
    const page = items.slice(start, start + limit);
    const more = start + limit < items.length;
    return {
      [plural]: page.map((i) => this.summary(i)),
      ...(more ? { NextMarker: String(start + limit) } : {}),
    };
  }

  private find(caller: WafCaller, kind: Kind, input: Record<string, unknown>): Item {
    const space = this.space(caller, scopeOf(caller, input));
    const item = typeof input.Id === 'string' ? space.get(input.Id) : undefined;
    if (item === undefined || item.kind !== kind || item.Name !== input.Name) {
      throw new AwsServiceError(
        'WAFNonexistentItemException',
        `AWS WAF couldn't perform the operation because your resource doesn't exist: ${KIND_LABEL[kind]} ${String(input.Name)}/${String(input.Id)}`,
      );
    }
    return item;
  }

  private byArn(
    caller: WafCaller,
    scope: WafScope,
    arn: string,
  ): 'ipset' | 'regexpatternset' | undefined {
    const item = [...this.space(caller, scope).values()].find((i) => i.ARN === arn);
    return item?.kind === 'webacl' ? undefined : item?.kind;
  }

  private ipSetFields(input: Record<string, unknown>): Record<string, unknown> {
    const version = input.IPAddressVersion;
    const addresses = input.Addresses;
    if (version !== undefined && version !== 'IPV4' && version !== 'IPV6')
      throw invalid('IP_ADDRESS_VERSION', 'must be IPV4 or IPV6');
    if (!Array.isArray(addresses)) throw invalid('IP_ADDRESS', 'Addresses is required');
    if (addresses.length > this.limits.addressesPerIpSet) {
      throw new AwsServiceError(
        'WAFLimitsExceededException',
        `AWS WAF couldn't perform the operation because you exceeded your resource limit: ${addresses.length} addresses, over ${this.limits.addressesPerIpSet} per IP set`,
      );
    }
    for (const address of addresses) {
      const cidr = typeof address === 'string' ? parseCidr(address) : { problem: 'not a string' };
      if (!isCidr(cidr) || (version !== undefined && cidr.version !== version))
        throw invalid('IP_ADDRESS', `${String(address)} is not an ${String(version)} CIDR block`);
    }
    if (version === undefined) throw invalid('IP_ADDRESS_VERSION', 'IPAddressVersion is required');
    return { IPAddressVersion: version, Addresses: addresses };
  }

  private regexSetFields(input: Record<string, unknown>): Record<string, unknown> {
    const list = input.RegularExpressionList;
    if (!Array.isArray(list) || list.length === 0)
      throw invalid('REGULAR_EXPRESSION', 'RegularExpressionList is required');
    if (list.length > this.limits.patternsPerRegexSet) {
      throw new AwsServiceError(
        'WAFLimitsExceededException',
        `AWS WAF couldn't perform the operation because you exceeded your resource limit: ${list.length} patterns, over ${this.limits.patternsPerRegexSet} per regex pattern set`,
      );
    }
    for (const entry of list) {
      const pattern = (entry as { RegexString?: unknown }).RegexString;
      if (typeof pattern !== 'string' || pattern.length === 0 || pattern.length > 200)
        throw invalid('REGULAR_EXPRESSION', 'each RegexString must be 1 to 200 characters');
      try {
        new RegExp(pattern);
      } catch {
        throw invalid('REGULAR_EXPRESSION', `${pattern} is not a valid regular expression`);
      }
    }
    return { RegularExpressionList: list };
  }

  private webAclFields(caller: WafCaller, input: Record<string, unknown>): Record<string, unknown> {
    const scope = scopeOf(caller, input);
    const capacity = checkWebAcl(input, this.limits, (arn) => this.byArn(caller, scope, arn));
    return {
      DefaultAction: input.DefaultAction,
      Rules: input.Rules ?? [],
      VisibilityConfig: input.VisibilityConfig,
      Capacity: capacity,
    };
  }

  private summary(item: Item) {
    return {
      Name: item.Name,
      Id: item.Id,
      ARN: item.ARN,
      LockToken: item.LockToken,
      ...(item.body.Description === undefined ? {} : { Description: item.body.Description }),
    };
  }

  private describe(item: Item) {
    return { Name: item.Name, Id: item.Id, ARN: item.ARN, ...item.body };
  }

  private space(caller: WafCaller, scope: WafScope): Map<string, Item> {
    const key = `${caller.tenant}/${scope === 'CLOUDFRONT' ? 'global' : caller.region}/${scope}`;
    let space = this.spaces.get(key);
    if (space === undefined) {
      space = new Map();
      this.spaces.set(key, space);
    }
    return space;
  }
}

/** WAF serves CLOUDFRONT scope in us-east-1 only; any other Region refuses it. */
function scopeOf(caller: WafCaller, input: Record<string, unknown>): WafScope {
  const scope = input.Scope;
  if (scope !== 'REGIONAL' && scope !== 'CLOUDFRONT')
    throw invalid('SCOPE_VALUE', 'Scope must be REGIONAL or CLOUDFRONT');
  if (scope === 'CLOUDFRONT' && caller.region !== 'us-east-1')
    throw invalid('SCOPE_VALUE', `CLOUDFRONT scope is served in us-east-1, not ${caller.region}`);
  return scope;
}

function nameOf(input: Record<string, unknown>): string {
  if (typeof input.Name !== 'string' || !NAME.test(input.Name))
    throw invalid('NAME', 'Name must be 1 to 128 letters, digits, "_" or "-"');
  return input.Name;
}

function description(input: Record<string, unknown>): Record<string, unknown> {
  if (input.Description === undefined) return {};
  if (
    typeof input.Description !== 'string' ||
    input.Description.length < 1 ||
    input.Description.length > 256
  )
    throw invalid('DESCRIPTION', 'Description must be 1 to 256 characters');
  return { Description: input.Description };
}
