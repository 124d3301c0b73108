import { randomBytes } from 'node:crypto';
import { AwsServiceError } from '../aws-endpoint/aws-errors';
import type { JsonOperation } from '../aws-endpoint/json-protocol';
import type { SigningCaller } from '../waf/signing-caller';
import { associationOperations, type Association } from './firewall-associations';
import {
  conflict,
  name,
  notFound,
  page,
  tags,
  text,
  validation,
  type TagStore,
} from './firewall-validation';

/**
 * A stand-in for Route 53 Resolver DNS Firewall, which has no local engine: domain lists,
 * rule groups and rules per caller account and Region, with the service's contract enforced
 * (1,000 domains per UpdateFirewallDomains, domain syntax, the domains-per-list and
 * rules-per-group quotas, one rule per domain list in a group, unique priorities, BLOCK needs
 * a response, lists in use cannot be deleted, nor rule groups still associated with a VPC,
 * CreatorRequestId makes creates retry-safe, tags given on create are validated and read back
 * with ListTagsForResource), rule group associations with VPCs (firewall-associations.ts),
 * answering with the exceptions the SDK raises. Updates complete at once, unlike AWS's
 * asynchronous UPDATING and DELETING statuses. In memory.
 */

export interface LocalDnsFirewallLimits {
  readonly domainsPerRequest: number;
  readonly domainsPerList: number;
  readonly rulesPerRuleGroup: number;
  /** Rule groups one VPC may have associated (a default quota). */
  readonly associationsPerVpc: number;
}

export const DEFAULT_LOCAL_DNS_FIREWALL_LIMITS: LocalDnsFirewallLimits = {
  domainsPerRequest: 1_000,
  domainsPerList: 100_000,
  rulesPerRuleGroup: 100,
  associationsPerVpc: 5,
};

interface DomainList {
  readonly Id: string;
  readonly Arn: string;
  readonly Name: string;
  readonly CreatorRequestId: string;
  readonly CreationTime: string;
  ModificationTime: string;
  domains: Set<string>;
}

interface RuleGroup {
  readonly Id: string;
  readonly Arn: string;
  readonly Name: string;
  readonly CreatorRequestId: string;
  readonly CreationTime: string;
  /** Rules by domain list id: a group holds at most one rule per list. */
  readonly rules: Map<string, Record<string, unknown>>;
}

/** One account's DNS Firewall in one Region. */
export interface Account {
  readonly lists: Map<string, DomainList>;
  readonly groups: Map<string, RuleGroup>;
  readonly associations: Map<string, Association>;
  /** Every resource's tags, by ARN. */
  readonly tags: TagStore;
}

const DOMAIN = /^(\*|\*\.)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.?$/;
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
      ...associationOperations(account, {
        arn,
        now: this.now,
        group: (id) => this.group(account, id),
        perVpc: this.limits.associationsPerVpc,
      }),
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
          domains: new Set(),
        };
        account.tags.set(list.Arn, tags(input.Tags));
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
          throw conflict(`The domain list ${list.Id} is used by rule group ${user.Id}`);
        account.lists.delete(list.Id);
        account.tags.delete(list.Arn);
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
          rules: new Map(),
        };
        account.tags.set(group.Arn, tags(input.Tags));
        account.groups.set(id, group);
        return { FirewallRuleGroup: describeGroup(group) };
      },
      DeleteFirewallRuleGroup: (input) => {
        const group = this.group(account, input.FirewallRuleGroupId);
        const associated = [...account.associations.values()].find(
          (a) => a.FirewallRuleGroupId === group.Id,
        );
        if (associated !== undefined)
          throw conflict(
            `The rule group ${group.Id} is associated with VPC ${associated.VpcId}; disassociate it first`,
          );
        // Its rules go with it, as in AWS: the lists they used are then free to delete.
        account.groups.delete(group.Id);
        account.tags.delete(group.Arn);
        return { FirewallRuleGroup: { ...describeGroup(group), Status: 'DELETING' } };
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
        const found = typeof arn === 'string' ? account.tags.get(arn) : undefined;
        if (found === undefined) throw notFound(`resource ${String(arn)}`);
        return page(input, 100, [...found].sort(), 'Tags', ([Key, Value]) => ({ Key, Value }));
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
      account = { lists: new Map(), groups: new Map(), associations: new Map(), tags: new Map() };
      this.accounts.set(key, account);
    }
    return account;
  }
}

function describeList(list: DomainList) {
  const { domains, ...rest } = list;
  return { ...rest, DomainCount: domains.size, Status: 'COMPLETE', StatusMessage: 'Created' };
}

function describeGroup(group: RuleGroup) {
  const { rules, ...rest } = group;
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
