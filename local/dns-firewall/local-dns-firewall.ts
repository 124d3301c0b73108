import { randomBytes } from 'node:crypto';
import { AwsServiceError } from '../aws-endpoint/aws-errors';
import type { JsonOperation } from '../aws-endpoint/json-protocol';
import type { SigningCaller } from '../waf/signing-caller';

/**
 * A stand-in for Route 53 Resolver DNS Firewall, which has no local engine: domain lists,
 * rule groups and rules per caller account and Region, with the service's contract enforced
 * (1,000 domains per UpdateFirewallDomains, domain syntax, the domains-per-list and
 * rules-per-group quotas, one rule per domain list in a group, unique priorities, BLOCK needs
 * a response, lists in use cannot be deleted, CreatorRequestId makes creates retry-safe, tags
 * given on create are validated and read back with ListTagsForResource),
 * answering with the exceptions the SDK raises. Updates complete at once, unlike AWS's
 * asynchronous UPDATING status. In memory.
 */

export interface LocalDnsFirewallLimits {
  readonly domainsPerRequest: number;
  readonly domainsPerList: number;
  readonly rulesPerRuleGroup: number;
}

export const DEFAULT_LOCAL_DNS_FIREWALL_LIMITS: LocalDnsFirewallLimits = {
  domainsPerRequest: 1_000,
  domainsPerList: 100_000,
  rulesPerRuleGroup: 100,
};

interface DomainList {
  readonly Id: string;
  readonly Arn: string;
  readonly Name: string;
  readonly CreatorRequestId: string;
  readonly tags: Map<string, string>;
  readonly CreationTime: string;
  ModificationTime: string;
  domains: Set<string>;
}

interface RuleGroup {
  readonly Id: string;
  readonly Arn: string;
  readonly Name: string;
  readonly CreatorRequestId: string;
  readonly tags: Map<string, string>;
  readonly CreationTime: string;
  /** Rules by domain list id: a group holds at most one rule per list. */
  readonly rules: Map<string, Record<string, unknown>>;
}

interface Account {
  readonly lists: Map<string, DomainList>;
  readonly groups: Map<string, RuleGroup>;
}

const DOMAIN = /^(\*|\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.?$/;
const NAME = /^[A-Za-z0-9\-_ ]{1,64}$/;
const RULE_FIELDS = [
  'Name',
  'Priority',
  'Action',
  'BlockResponse',
  'BlockOverrideDomain',
  'BlockOverrideDnsType',
  'BlockOverrideTtl',
  'FirewallDomainRedirectionAction',
  'Qtype',
] as const;

const validation = (message: string) => new AwsServiceError('ValidationException', message);
const notFound = (what: string) =>
  new AwsServiceError('ResourceNotFoundException', `The resource doesn't exist: ${what}`);

export class LocalDnsFirewall {
  private readonly accounts = new Map<string, Account>();

  constructor(
    readonly limits: LocalDnsFirewallLimits = DEFAULT_LOCAL_DNS_FIREWALL_LIMITS,
    private readonly now: () => Date = () => new Date(),
  ) {}

  operations(caller: SigningCaller): Record<string, JsonOperation> {
    const account = this.account(caller);
    const arn = (kind: string, id: string) =>
      `arn:aws:route53resolver:${caller.region}:${caller.account}:${kind}/${id}`;
    return {
      CreateFirewallDomainList: (input) => {
        const requestId = text(input.CreatorRequestId, 'creatorRequestId', 255);
        const again = [...account.lists.values()].find((l) => l.CreatorRequestId === requestId);
        if (again !== undefined) return { FirewallDomainList: describeList(again) };
        const id = `rslvr-fdl-${randomBytes(8).toString('hex')}`;
        const time = this.now().toISOString();
        const list: DomainList = {
          Id: id,
          Arn: arn('firewall-domain-list', id),
          Name: name(input.Name),
          CreatorRequestId: requestId,
          CreationTime: time,
          ModificationTime: time,
          tags: tags(input.Tags),
          domains: new Set(),
        };
        account.lists.set(id, list);
        return { FirewallDomainList: describeList(list) };
      },
      GetFirewallDomainList: (input) => ({
        FirewallDomainList: describeList(this.list(account, input.FirewallDomainListId)),
      }),
      ListFirewallDomainLists: (input) =>
        page(input, 100, [...account.lists.values()], 'FirewallDomainLists', (l) => ({
          Id: l.Id,
          Arn: l.Arn,
          Name: l.Name,
          CreatorRequestId: l.CreatorRequestId,
        })),
      UpdateFirewallDomains: (input) => {
        const list = this.list(account, input.FirewallDomainListId);
        const operation = input.Operation;
        if (operation !== 'ADD' && operation !== 'REMOVE' && operation !== 'REPLACE')
          throw validation(`Operation must be ADD, REMOVE or REPLACE, not ${String(operation)}`);
        const domains = this.domains(input.Domains);
        const next = operation === 'REPLACE' ? new Set<string>() : new Set(list.domains);
        for (const domain of domains) {
          if (operation === 'REMOVE') next.delete(domain);
          else next.add(domain);
        }
        if (next.size > this.limits.domainsPerList) {
          throw new AwsServiceError(
            'LimitExceededException',
            `The request caused one or more limits to be exceeded: ${next.size} domains, over ${this.limits.domainsPerList} per domain list`,
          );
        }
        list.domains = next;
        list.ModificationTime = this.now().toISOString();
        return { Id: list.Id, Name: list.Name, Status: 'COMPLETE', StatusMessage: 'Updated' };
      },
      ListFirewallDomains: (input) => {
        const list = this.list(account, input.FirewallDomainListId);
        return page(input, 5_000, [...list.domains].sort(), 'Domains', (d) => d);
      },
      DeleteFirewallDomainList: (input) => {
        const list = this.list(account, input.FirewallDomainListId);
        const user = [...account.groups.values()].find((g) => g.rules.has(list.Id));
        if (user !== undefined)
          throw new AwsServiceError(
            'ConflictException',
            `The domain list ${list.Id} is used by rule group ${user.Id}`,
          );
        account.lists.delete(list.Id);
        return { FirewallDomainList: describeList(list) };
      },
      CreateFirewallRuleGroup: (input) => {
        const requestId = text(input.CreatorRequestId, 'creatorRequestId', 255);
        const again = [...account.groups.values()].find((g) => g.CreatorRequestId === requestId);
        if (again !== undefined) return { FirewallRuleGroup: describeGroup(again) };
        const id = `rslvr-frg-${randomBytes(8).toString('hex')}`;
        const group: RuleGroup = {
          Id: id,
          Arn: arn('firewall-rule-group', id),
          Name: name(input.Name),
          CreatorRequestId: requestId,
          CreationTime: this.now().toISOString(),
          tags: tags(input.Tags),
          rules: new Map(),
        };
        account.groups.set(id, group);
        return { FirewallRuleGroup: describeGroup(group) };
      },
      GetFirewallRuleGroup: (input) => ({
        FirewallRuleGroup: describeGroup(this.group(account, input.FirewallRuleGroupId)),
      }),
      ListFirewallRuleGroups: (input) =>
        page(input, 100, [...account.groups.values()], 'FirewallRuleGroups', (g) => ({
          Id: g.Id,
          Arn: g.Arn,
          Name: g.Name,
          CreatorRequestId: g.CreatorRequestId,
          OwnerId: '000000000000',
          ShareStatus: 'NOT_SHARED',
        })),
      ListTagsForResource: (input) => {
        const arn = input.ResourceArn;
        const owner = [...account.lists.values(), ...account.groups.values()].find(
          (r) => r.Arn === arn,
        );
        if (owner === undefined) throw notFound(`resource ${String(arn)}`);
        return page(input, 100, [...owner.tags].sort(), 'Tags', ([Key, Value]) => ({ Key, Value }));
      },
      CreateFirewallRule: (input) => {
        const group = this.group(account, input.FirewallRuleGroupId);
        const list = this.list(account, input.FirewallDomainListId);
        if (group.rules.has(list.Id))
          throw new AwsServiceError(
            'ResourceExistsException',
            `Rule group ${group.Id} already has a rule for domain list ${list.Id}`,
          );
        if (group.rules.size >= this.limits.rulesPerRuleGroup)
          throw new AwsServiceError(
            'LimitExceededException',
            `The request caused one or more limits to be exceeded: ${this.limits.rulesPerRuleGroup} rules per rule group`,
          );
        const rule = this.rule(group, list.Id, {
          CreatorRequestId: text(input.CreatorRequestId, 'creatorRequestId', 255),
          CreationTime: this.now().toISOString(),
          ...pick(input),
        });
        return { FirewallRule: rule };
      },
      UpdateFirewallRule: (input) => {
        const group = this.group(account, input.FirewallRuleGroupId);
        const list = this.list(account, input.FirewallDomainListId);
        const existing = group.rules.get(list.Id);
        if (existing === undefined) throw notFound(`rule for ${list.Id} in ${group.Id}`);
        return { FirewallRule: this.rule(group, list.Id, { ...existing, ...pick(input) }) };
      },
      DeleteFirewallRule: (input) => {
        const group = this.group(account, input.FirewallRuleGroupId);
        const listId = text(input.FirewallDomainListId, 'firewallDomainListId', 64);
        const existing = group.rules.get(listId);
        if (existing === undefined) throw notFound(`rule for ${listId} in ${group.Id}`);
        group.rules.delete(listId);
        return { FirewallRule: existing };
      },
      ListFirewallRules: (input) => {
        const group = this.group(account, input.FirewallRuleGroupId);
        const rules = [...group.rules.values()].sort(
          (a, b) => Number(a.Priority) - Number(b.Priority),
        );
        return page(input, 100, rules, 'FirewallRules', (r) => r);
      },
    };
  }

  /** Validates and stores one rule; priorities are unique within a group. */
  private rule(
    group: RuleGroup,
    listId: string,
    fields: Record<string, unknown>,
  ): Record<string, unknown> {
    const priority = fields.Priority;
    if (typeof priority !== 'number' || !Number.isInteger(priority) || priority < 0)
      throw validation('Priority must be a whole number of 0 or more');
    for (const [otherList, other] of group.rules) {
      if (otherList !== listId && other.Priority === priority)
        throw validation(`Priority ${priority} is already used in rule group ${group.Id}`);
    }
    if (fields.Action !== 'ALLOW' && fields.Action !== 'BLOCK' && fields.Action !== 'ALERT')
      throw validation('Action must be ALLOW, BLOCK or ALERT');
    if (fields.Action === 'BLOCK' && fields.BlockResponse === undefined)
      throw validation('a BLOCK rule needs a BlockResponse');
    name(fields.Name);
    const rule = {
      ...fields,
      FirewallRuleGroupId: group.Id,
      FirewallDomainListId: listId,
      ModificationTime: this.now().toISOString(),
    };
    group.rules.set(listId, rule);
    return rule;
  }

  private domains(value: unknown): string[] {
    if (!Array.isArray(value)) throw validation('Domains is required');
    if (value.length > this.limits.domainsPerRequest)
      throw validation(
        `1 validation error detected: Value at 'domains' failed to satisfy constraint: Member must have length less than or equal to ${this.limits.domainsPerRequest}`,
      );
    return value.map((domain) => {
      // `*` alone is DNS Firewall's match-everything domain, which block-all rules use.
      if (
        typeof domain !== 'string' ||
        domain.length > 255 ||
        (domain !== '*' && !DOMAIN.test(domain))
      )
        throw validation(`${String(domain)} is not a valid domain`);
      return domain.toLowerCase();
    });
  }

  private list(account: Account, id: unknown): DomainList {
    const list = typeof id === 'string' ? account.lists.get(id) : undefined;
    if (list === undefined) throw notFound(`firewall domain list ${String(id)}`);
    return list;
  }

  private group(account: Account, id: unknown): RuleGroup {
    const group = typeof id === 'string' ? account.groups.get(id) : undefined;
    if (group === undefined) throw notFound(`firewall rule group ${String(id)}`);
    return group;
  }

  private account(caller: SigningCaller): Account {
    const key = `${caller.tenant}/${caller.region}`;
    let account = this.accounts.get(key);
    if (account === undefined) {
      account = { lists: new Map(), groups: new Map() };
      this.accounts.set(key, account);
    }
    return account;
  }
}

function describeList(list: DomainList) {
  const { domains, tags: _tags, ...rest } = list;
  return { ...rest, DomainCount: domains.size, Status: 'COMPLETE', StatusMessage: 'Created' };
}

function describeGroup(group: RuleGroup) {
  const { rules, tags: _tags, ...rest } = group;
  return {
    ...rest,
    RuleCount: rules.size,
    Status: 'COMPLETE',
    OwnerId: '000000000000',
    ShareStatus: 'NOT_SHARED',
  };
}

function pick(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    RULE_FIELDS.filter((f) => input[f] !== undefined).map((f) => [f, input[f]]),
  );
}

function page<T>(
  input: Record<string, unknown>,
  max: number,
  items: readonly T[],
  key: string,
  map: (item: T) => unknown,
) {
  const size = input.MaxResults === undefined ? Math.min(100, max) : Number(input.MaxResults);
  if (!Number.isInteger(size) || size < 1 || size > max)
    throw validation(`MaxResults must be 1 to ${max}`);
  const start = typeof input.NextToken === 'string' ? Number(input.NextToken) : 0;
  if (!Number.isInteger(start) || start < 0)
    throw new AwsServiceError('InvalidNextTokenException', 'The NextToken is not valid');
  const more = start + size < items.length;
  return {
    [key]: items.slice(start, start + size).map(map),
    ...(more ? { NextToken: String(start + size) } : {}),
  };
}

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > max)
    throw validation(
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must have length between 1 and ${max}`,
    );
  return value;
}

/**
 * `Tags` on create, as the API takes them: at most 200 `{Key, Value}`, keys 1 to 128 and
 * values 0 to 256 characters, each key once, none starting with the reserved `aws:`.
 */
function tags(value: unknown): Map<string, string> {
  const found = new Map<string, string>();
  if (value === undefined) return found;
  if (!Array.isArray(value) || value.length > 200)
    throw validation('Tags must be a list of at most 200 tags');
  for (const tag of value as unknown[]) {
    const { Key: key, Value: val } = (tag ?? {}) as Record<string, unknown>;
    if (typeof key !== 'string' || key.length < 1 || key.length > 128)
      throw validation(`Tag key ${String(key)} must be 1 to 128 characters`);
    if (typeof val !== 'string' || val.length > 256)
      throw validation(`Tag ${key} needs a Value of at most 256 characters`);
    if (key.toLowerCase().startsWith('aws:'))
      throw validation(`Tag key ${key} uses the reserved prefix aws:`);
    if (found.has(key)) throw validation(`Tag key ${key} is given twice`);
    found.set(key, val);
  }
  return found;
}

function name(value: unknown): string {
  if (typeof value !== 'string' || !NAME.test(value) || /^[0-9]+$/.test(value))
    throw validation(`Name ${String(value)} must be 1 to 64 letters, digits, "-", "_" or spaces`);
  return value;
}
