import {
  CreateFirewallDomainListCommand,
  CreateFirewallRuleCommand,
  CreateFirewallRuleGroupCommand,
  DeleteFirewallRuleCommand,
  ListFirewallDomainListsCommand,
  ListFirewallDomainsCommand,
  ListFirewallRuleGroupsCommand,
  ListFirewallRulesCommand,
  UpdateFirewallDomainsCommand,
  UpdateFirewallRuleCommand,
  type FirewallRule,
  type Route53ResolverClient,
} from '@aws-sdk/client-route53resolver';
import { FLEET_OWNER_TAG_KEY, FLEET_PROMOTION_OWNER } from '../../contracts/promotion-contracts';
import { canonicalJson, sha256Hex } from '../../core/canonical-json';
import {
  DNS_FIREWALL_FILE_PREFIX,
  type CompiledDnsRuleGroup,
  type CompiledDomainList,
  type CreateFirewallRule,
} from '../../core/edge/dns-firewall';
import { reference, resolveReferences } from '../../core/edge/references';
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

const NAME = 'dns-firewall';
/**
 * On every domain list and rule group promotion creates: the fleet roles let promotion change
 * only what carries it (Resolver ARNs hold ids, not names) and break glass never.
 */
const OWNER_TAGS = [{ Key: FLEET_OWNER_TAG_KEY, Value: FLEET_PROMOTION_OWNER }];
/** The rule fields Ward sets; a hand-made change to any of them is drift. */
const RULE_FIELDS = [
  'Name',
  'Priority',
  'Action',
  'BlockResponse',
  'FirewallDomainRedirectionAction',
  'Qtype',
  'BlockOverrideDomain',
  'BlockOverrideDnsType',
  'BlockOverrideTtl',
] as const;

interface DnsFirewallFile {
  readonly domainLists: readonly CompiledDomainList[];
  readonly ruleGroup?: CompiledDnsRuleGroup;
}

export interface DnsFirewallTargetDeps {
  /** Each stage lives in its own account, so it has its own client. */
  readonly clientFor: (stage: StageName) => Route53ResolverClient;
}

/**
 * Applies the bundle's `dns-firewall/` files: every domain list first (created by name, then
 * its UpdateFirewallDomains batches in order, skipped when the list already holds exactly
 * those domains), then each rule group and its rules. Rules no longer in the bundle are
 * deleted first, so a name the bundle stopped allowing is blocked before anything is added.
 * Associating rule groups with VPCs is left to the stage's infrastructure.
 */
export class DnsFirewallTarget implements PromotionTarget {
  readonly name = NAME;
  readonly ownedPrefixes = [DNS_FIREWALL_FILE_PREFIX];

  constructor(private readonly deps: DnsFirewallTargetDeps) {}

  async apply(request: ApplyRequest): Promise<AppliedPart> {
    ensureAdmitted(NAME, request);
    const session = new DnsSession(this.deps.clientFor(request.stage));
    const files = ownedFiles(request.bundle, this.ownedPrefixes).map(
      ([path, content]) => [path, parseBundleJson<DnsFirewallFile>(NAME, path, content)] as const,
    );
    // `_shared.json` sorts first: the catch-all list exists before any rule uses it.
    for (const [, file] of files)
      for (const list of file.domainLists) await session.applyList(list);
    for (const [, file] of files)
      if (file.ruleGroup !== undefined) await session.applyGroup(file.ruleGroup);
    return {
      target: NAME,
      stage: request.stage,
      bundle: request.bundle.ref,
      paths: files.map(([p]) => p),
      calls: session.counter.calls,
    };
  }

  async readBack(stage: StageName, expected: TargetBundle): Promise<Record<string, string>> {
    const session = new DnsSession(this.deps.clientFor(stage));
    const hashes: Record<string, string> = {};
    for (const [path, content] of ownedFiles(expected, this.ownedPrefixes)) {
      const file = parseBundleJson<DnsFirewallFile>(NAME, path, content);
      const live = await session.readFile(file);
      if (live !== undefined) hashes[path] = sha256Hex(`${canonicalJson(live, 2)}\n`);
    }
    return hashes;
  }
}

class DnsSession {
  readonly counter = new CallCounter();
  private lists: Promise<Map<string, { Id: string; CreatorRequestId?: string }>> | undefined;
  private groups: Promise<Map<string, { Id: string; CreatorRequestId?: string }>> | undefined;

  constructor(private readonly client: Route53ResolverClient) {}

  async applyList(list: CompiledDomainList): Promise<void> {
    const lists = await this.domainLists();
    let id = lists.get(list.create.Name)?.Id;
    if (id === undefined) {
      const created = await this.counter.count(() =>
        this.client.send(new CreateFirewallDomainListCommand({ ...list.create, Tags: OWNER_TAGS })),
      );
      id = created.FirewallDomainList?.Id;
      if (id === undefined)
        throw new TargetApplyError(NAME, `creating domain list ${list.create.Name} returned no id`);
      lists.set(list.create.Name, { Id: id, CreatorRequestId: list.create.CreatorRequestId });
    }
    const wanted = list.updates.flatMap((u) => u.Domains);
    if (canonicalJson(await this.domains(id)) === canonicalJson(normalise(wanted))) return;
    for (const update of list.updates) {
      await this.counter.count(() =>
        this.client.send(
          new UpdateFirewallDomainsCommand({
            FirewallDomainListId: id,
            Operation: update.Operation,
            Domains: [...update.Domains],
          }),
        ),
      );
    }
  }

  async applyGroup(group: CompiledDnsRuleGroup): Promise<void> {
    const groups = await this.ruleGroups();
    let groupId = groups.get(group.create.Name)?.Id;
    if (groupId === undefined) {
      const created = await this.counter.count(() =>
        this.client.send(new CreateFirewallRuleGroupCommand({ ...group.create, Tags: OWNER_TAGS })),
      );
      groupId = created.FirewallRuleGroup?.Id;
      if (groupId === undefined)
        throw new TargetApplyError(NAME, `creating rule group ${group.create.Name} returned no id`);
      groups.set(group.create.Name, {
        Id: groupId,
        CreatorRequestId: group.create.CreatorRequestId,
      });
    }
    const lists = await this.domainLists();
    const ids = { domainlist: lists, rulegroup: groups };
    const rules = resolveReferences(group.rules, (kind, name) =>
      kind === 'domainlist' || kind === 'rulegroup' ? ids[kind].get(name)?.Id : undefined,
    );
    const live = await this.rules(groupId);
    const wantedLists = new Set(rules.map((r) => r.FirewallDomainListId));
    for (const rule of live) {
      if (!wantedLists.has(rule.FirewallDomainListId ?? ''))
        await this.counter.count(() =>
          this.client.send(
            new DeleteFirewallRuleCommand({
              FirewallRuleGroupId: groupId,
              FirewallDomainListId: rule.FirewallDomainListId,
            }),
          ),
        );
    }
    for (const rule of rules) {
      const existing = live.find((r) => r.FirewallDomainListId === rule.FirewallDomainListId);
      if (existing === undefined) {
        await this.counter.count(() => this.client.send(new CreateFirewallRuleCommand(rule)));
      } else if (canonicalJson(ruleFields(existing)) !== canonicalJson(ruleFields(rule))) {
        const { CreatorRequestId: _id, ...update } = rule;
        await this.counter.count(() => this.client.send(new UpdateFirewallRuleCommand(update)));
      }
    }
  }

  /** The file rebuilt from what DNS Firewall holds; services and group names come from the bundle. */
  async readFile(file: DnsFirewallFile): Promise<DnsFirewallFile | undefined> {
    const lists = await this.domainLists();
    const names = new Map([...lists].map(([name, l]) => [l.Id, name]));
    const domainLists: CompiledDomainList[] = [];
    for (const list of file.domainLists) {
      const live = lists.get(list.create.Name);
      if (live === undefined) continue;
      const batch = Math.max(1, list.updates[0]?.Domains.length ?? 1_000);
      const domains = await this.domains(live.Id);
      const updates = [];
      for (let start = 0; start < domains.length; start += batch) {
        updates.push({
          FirewallDomainListId: reference('domainlist', list.create.Name),
          Operation: start === 0 ? 'REPLACE' : 'ADD',
          Domains: domains.slice(start, start + batch),
        } as const);
      }
      domainLists.push({
        create: { Name: list.create.Name, CreatorRequestId: live.CreatorRequestId ?? '' },
        updates,
      });
    }
    if (file.ruleGroup === undefined)
      // A shared file none of whose lists exist is missing from the stage, not changed.
      return domainLists.length === 0 && file.domainLists.length > 0 ? undefined : { domainLists };
    const group = file.ruleGroup;
    const liveGroup = (await this.ruleGroups()).get(group.create.Name);
    if (liveGroup === undefined) return undefined;
    const rules = (await this.rules(liveGroup.Id)).map((rule) => {
      const listName = names.get(rule.FirewallDomainListId ?? '');
      return {
        ...ruleFields(rule),
        CreatorRequestId: rule.CreatorRequestId,
        FirewallRuleGroupId: reference('rulegroup', group.create.Name),
        FirewallDomainListId:
          listName === undefined ? rule.FirewallDomainListId : reference('domainlist', listName),
      } as CreateFirewallRule;
    });
    return {
      domainLists,
      ruleGroup: {
        ...group,
        create: { Name: group.create.Name, CreatorRequestId: liveGroup.CreatorRequestId ?? '' },
        rules,
      },
    };
  }

  private domainLists() {
    this.lists ??= this.listNamed(async (token) => {
      const page = await this.counter.count(() =>
        this.client.send(new ListFirewallDomainListsCommand({ MaxResults: 100, NextToken: token })),
      );
      return { items: page.FirewallDomainLists ?? [], next: page.NextToken };
    });
    return this.lists;
  }

  private ruleGroups() {
    this.groups ??= this.listNamed(async (token) => {
      const page = await this.counter.count(() =>
        this.client.send(new ListFirewallRuleGroupsCommand({ MaxResults: 100, NextToken: token })),
      );
      return { items: page.FirewallRuleGroups ?? [], next: page.NextToken };
    });
    return this.groups;
  }

  private async listNamed(
    fetch: (token: string | undefined) => Promise<{
      items: { Name?: string; Id?: string; CreatorRequestId?: string }[];
      next?: string;
    }>,
  ): Promise<Map<string, { Id: string; CreatorRequestId?: string }>> {
    const named = new Map<string, { Id: string; CreatorRequestId?: string }>();
    let token: string | undefined;
    do {
      const page = await fetch(token);
      for (const item of page.items) {
        if (item.Name !== undefined && item.Id !== undefined && !named.has(item.Name))
          named.set(item.Name, {
            Id: item.Id,
            ...(item.CreatorRequestId === undefined
              ? {}
              : { CreatorRequestId: item.CreatorRequestId }),
          });
      }
      token = page.next;
    } while (token !== undefined);
    return named;
  }

  /** The list's domains as the compiler writes them: lower case, no trailing dot, sorted. */
  private async domains(id: string): Promise<string[]> {
    const domains: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.counter.count(() =>
        this.client.send(
          new ListFirewallDomainsCommand({
            FirewallDomainListId: id,
            MaxResults: 5_000,
            NextToken: token,
          }),
        ),
      );
      domains.push(...(page.Domains ?? []));
      token = page.NextToken;
    } while (token !== undefined);
    return normalise(domains);
  }

  private async rules(groupId: string): Promise<FirewallRule[]> {
    const rules: FirewallRule[] = [];
    let token: string | undefined;
    do {
      const page = await this.counter.count(() =>
        this.client.send(
          new ListFirewallRulesCommand({
            FirewallRuleGroupId: groupId,
            MaxResults: 100,
            NextToken: token,
          }),
        ),
      );
      rules.push(...(page.FirewallRules ?? []));
      token = page.NextToken;
    } while (token !== undefined);
    return rules.sort((a, b) => (a.Priority ?? 0) - (b.Priority ?? 0));
  }
}

function normalise(domains: readonly string[]): string[] {
  const cleaned = domains.map((d) =>
    d === '*' || d === '*.' ? '*' : d.toLowerCase().replace(/\.$/, ''),
  );
  return [...new Set(cleaned)].sort();
}

/**
 * The rule fields Ward sets. DNS Firewall reports INSPECT_REDIRECTION_DOMAIN, its default,
 * on rules created without a redirection action, as Ward's block-all rule is: that is no drift.
 */
function ruleFields(rule: object): Record<string, unknown> {
  const source = rule as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const field of RULE_FIELDS) if (source[field] !== undefined) fields[field] = source[field];
  if (fields.FirewallDomainRedirectionAction === 'INSPECT_REDIRECTION_DOMAIN')
    delete fields.FirewallDomainRedirectionAction;
  return fields;
}
