import {
  AssociateFirewallRuleGroupCommand,
  CreateFirewallDomainListCommand,
  CreateFirewallRuleCommand,
  CreateFirewallRuleGroupCommand,
  DeleteFirewallDomainListCommand,
  DeleteFirewallRuleCommand,
  DeleteFirewallRuleGroupCommand,
  DisassociateFirewallRuleGroupCommand,
  ListFirewallDomainListsCommand,
  ListFirewallRuleGroupAssociationsCommand,
  ListFirewallRuleGroupsCommand,
  ListFirewallRulesCommand,
  ListTagsForResourceCommand,
  UpdateFirewallDomainsCommand,
  type FirewallRuleGroupAssociation,
  type Route53ResolverClient,
  type Tag,
} from '@aws-sdk/client-route53resolver';
import {
  BREAK_GLASS_EXPIRES_TAG_KEY,
  BREAK_GLASS_PRIORITY_SLOTS,
  BREAK_GLASS_STAGE_TAG_KEY,
  FLEET_BREAK_GLASS_NAME_PREFIX,
  FLEET_BREAK_GLASS_OWNER,
} from '../../contracts/break-glass';
import { FLEET_OWNER_TAG_KEY } from '../../contracts/promotion-contracts';
import type {
  DnsFirewallAllow,
  DnsFirewallAllowResources,
  DnsFirewallAllowTarget,
} from '../../core/break-glass/ports';

/** Priority of the one rule inside a break-glass rule group (rule priorities are per group). */
const RULE_PRIORITY = 100;
/** Firewall Manager keeps 100 and 9,900; an association priority lies between. */
const HIGHEST_PRIORITY = 9_899;

export interface Route53ResolverAllowTargetDeps {
  /**
   * A client signed as `ward-break-glass-apply` in the stage's fleet account, in a session of
   * this name: one per grant, so the fleet account's CloudTrail names the grant.
   */
  readonly clientFor: (sessionName: string) => Route53ResolverClient;
  /** How long to wait between looks while associations are being removed. @default 1 s */
  readonly pollMs?: number;
  /** How many looks before giving up (the sweep finishes later). @default 20 */
  readonly pollAttempts?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** DNS Firewall did not do what break glass asked; `cause` is the AWS error, if any. */
export class DnsFirewallAllowError extends Error {
  override readonly name = 'DnsFirewallAllowError';
}

/**
 * Break glass's DNS Firewall target: per grant a domain list holding the host, a rule group
 * with one ALLOW rule for it, and an association with each VPC of the workload group at the
 * first free priority from the configured one; every resource tagged `ward:owner=break-glass`,
 * `ward:expires-at` and `ward:break-glass-stage`. Removal goes the other way: associations
 * (waiting until DNS Firewall has let go of them), the rule, the rule group, the list.
 */
export class Route53ResolverAllowTarget implements DnsFirewallAllowTarget {
  constructor(private readonly deps: Route53ResolverAllowTargetDeps) {}

  async allow(request: DnsFirewallAllow): Promise<void> {
    const tags: Tag[] = [
      { Key: FLEET_OWNER_TAG_KEY, Value: FLEET_BREAK_GLASS_OWNER },
      { Key: BREAK_GLASS_EXPIRES_TAG_KEY, Value: request.expiresAt },
      { Key: BREAK_GLASS_STAGE_TAG_KEY, Value: request.stage },
    ];
    await this.session(request.name, async (client) => {
      const list = await client.send(
        new CreateFirewallDomainListCommand({
          Name: request.name,
          CreatorRequestId: `${request.name}-list`,
          Tags: tags,
        }),
      );
      const listId = idOf(list.FirewallDomainList?.Id, `domain list ${request.name}`);
      await client.send(
        new UpdateFirewallDomainsCommand({
          FirewallDomainListId: listId,
          Operation: 'REPLACE',
          Domains: [request.domain],
        }),
      );
      const group = await client.send(
        new CreateFirewallRuleGroupCommand({
          Name: request.name,
          CreatorRequestId: `${request.name}-group`,
          Tags: tags,
        }),
      );
      const groupId = idOf(group.FirewallRuleGroup?.Id, `rule group ${request.name}`);
      await client.send(
        new CreateFirewallRuleCommand({
          CreatorRequestId: `${request.name}-rule`,
          FirewallRuleGroupId: groupId,
          FirewallDomainListId: listId,
          Name: 'allow-break-glass',
          Priority: RULE_PRIORITY,
          Action: 'ALLOW',
          // As promotion's allow rules: a CDN CNAME behind the host must resolve too.
          FirewallDomainRedirectionAction: 'TRUST_REDIRECTION_DOMAIN',
        }),
      );
      for (const vpcId of request.vpcIds) await associate(client, groupId, vpcId, request, tags);
    });
  }

  async remove(_stage: string, name: string): Promise<void> {
    await this.session(name, async (client) => {
      const group = (await named(client, 'groups')).get(name);
      if (group !== undefined) {
        for (const association of await associations(client, { FirewallRuleGroupId: group.Id }))
          if (association.Status !== 'DELETING')
            await goneIsFine(
              client.send(
                new DisassociateFirewallRuleGroupCommand({
                  FirewallRuleGroupAssociationId: association.Id,
                }),
              ),
            );
        await this.untilDisassociated(client, group.Id, name);
        for (const listId of await ruleListIds(client, group.Id))
          await goneIsFine(
            client.send(
              new DeleteFirewallRuleCommand({
                FirewallRuleGroupId: group.Id,
                FirewallDomainListId: listId,
              }),
            ),
          );
        await goneIsFine(
          client.send(new DeleteFirewallRuleGroupCommand({ FirewallRuleGroupId: group.Id })),
        );
      }
      const list = (await named(client, 'lists')).get(name);
      if (list !== undefined)
        await goneIsFine(
          client.send(new DeleteFirewallDomainListCommand({ FirewallDomainListId: list.Id })),
        );
    });
  }

  async list(stage: string): Promise<DnsFirewallAllowResources[]> {
    return this.session(`ward-bg-sweep-${stage}`, async (client) => {
      const found = new Map<string, string | undefined>();
      for (const kind of ['lists', 'groups'] as const) {
        for (const [name, resource] of await named(client, kind)) {
          if (!name.startsWith(FLEET_BREAK_GLASS_NAME_PREFIX)) continue;
          const tags = await tagsOf(client, resource.Arn);
          // Not break glass's (the role may not even read it), or another stage's: not ours.
          if (tags?.get(FLEET_OWNER_TAG_KEY) !== FLEET_BREAK_GLASS_OWNER) continue;
          if (tags.get(BREAK_GLASS_STAGE_TAG_KEY) !== stage) continue;
          const expiresAt = tags.get(BREAK_GLASS_EXPIRES_TAG_KEY);
          const valid =
            expiresAt !== undefined && Number.isFinite(Date.parse(expiresAt))
              ? expiresAt
              : undefined;
          // The earliest expiry of the set wins; one without a readable expiry makes it expired.
          const before = found.has(name) ? found.get(name) : valid;
          found.set(
            name,
            before === undefined || valid === undefined
              ? undefined
              : before < valid
                ? before
                : valid,
          );
        }
      }
      return [...found].map(([name, expiresAt]) =>
        expiresAt === undefined ? { name } : { name, expiresAt },
      );
    });
  }

  private async session<T>(
    sessionName: string,
    work: (client: Route53ResolverClient) => Promise<T>,
  ): Promise<T> {
    const client = this.deps.clientFor(sessionName.slice(0, 64));
    try {
      return await work(client);
    } finally {
      client.destroy();
    }
  }

  /** Disassociation is asynchronous in AWS: the rule group cannot go while any remains. */
  private async untilDisassociated(
    client: Route53ResolverClient,
    groupId: string,
    name: string,
  ): Promise<void> {
    const attempts = this.deps.pollAttempts ?? 20;
    const sleep =
      this.deps.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
    for (let attempt = 0; attempt < attempts; attempt += 1) {
      if ((await associations(client, { FirewallRuleGroupId: groupId })).length === 0) return;
      await sleep(this.deps.pollMs ?? 1_000);
    }
    throw new DnsFirewallAllowError(
      `rule group ${name} is still associated with VPCs after ${attempts} looks; removal continues at the next sweep`,
    );
  }
}

/** Associates at the first priority from the configured one that the VPC does not use yet. */
async function associate(
  client: Route53ResolverClient,
  groupId: string,
  vpcId: string,
  request: DnsFirewallAllow,
  tags: Tag[],
): Promise<void> {
  const last = Math.min(request.priority + BREAK_GLASS_PRIORITY_SLOTS - 1, HIGHEST_PRIORITY);
  const taken = async () =>
    new Set((await associations(client, { VpcId: vpcId })).map((a) => a.Priority));
  let used = await taken();
  for (let priority = request.priority; priority <= last; priority += 1) {
    if (used.has(priority)) continue;
    try {
      await client.send(
        new AssociateFirewallRuleGroupCommand({
          CreatorRequestId: `${request.name}-${vpcId}-${priority}`,
          FirewallRuleGroupId: groupId,
          VpcId: vpcId,
          Priority: priority,
          Name: request.name,
          MutationProtection: 'DISABLED',
          Tags: tags,
        }),
      );
      return;
    } catch (error) {
      // Another grant took the priority meanwhile: try the next one; anything else is fatal.
      if (errorName(error) !== 'ConflictException') throw error;
      used = await taken();
      if (!used.has(priority)) throw error;
    }
  }
  throw new DnsFirewallAllowError(
    `VPC ${vpcId} has no free association priority from ${request.priority} to ${last} for break glass`,
  );
}

async function associations(
  client: Route53ResolverClient,
  filter: { FirewallRuleGroupId?: string; VpcId?: string },
): Promise<(FirewallRuleGroupAssociation & { Id: string })[]> {
  const found: (FirewallRuleGroupAssociation & { Id: string })[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListFirewallRuleGroupAssociationsCommand({
        ...filter,
        MaxResults: 100,
        NextToken: token,
      }),
    );
    for (const a of page.FirewallRuleGroupAssociations ?? [])
      if (a.Id !== undefined) found.push({ ...a, Id: a.Id });
    token = page.NextToken;
  } while (token !== undefined);
  return found;
}

async function named(
  client: Route53ResolverClient,
  kind: 'lists' | 'groups',
): Promise<Map<string, { Id: string; Arn: string }>> {
  const byName = new Map<string, { Id: string; Arn: string }>();
  let token: string | undefined;
  do {
    const page =
      kind === 'lists'
        ? await client
            .send(new ListFirewallDomainListsCommand({ MaxResults: 100, NextToken: token }))
            .then((p) => ({ items: p.FirewallDomainLists ?? [], next: p.NextToken }))
        : await client
            .send(new ListFirewallRuleGroupsCommand({ MaxResults: 100, NextToken: token }))
            .then((p) => ({ items: p.FirewallRuleGroups ?? [], next: p.NextToken }));
    for (const item of page.items)
      if (item.Name !== undefined && item.Id !== undefined && item.Arn !== undefined)
        byName.set(item.Name, { Id: item.Id, Arn: item.Arn });
    token = page.next;
  } while (token !== undefined);
  return byName;
}

async function ruleListIds(client: Route53ResolverClient, groupId: string): Promise<string[]> {
  const ids: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new ListFirewallRulesCommand({
        FirewallRuleGroupId: groupId,
        MaxResults: 100,
        NextToken: token,
      }),
    );
    for (const rule of page.FirewallRules ?? [])
      if (rule.FirewallDomainListId !== undefined) ids.push(rule.FirewallDomainListId);
    token = page.NextToken;
  } while (token !== undefined);
  return ids;
}

/** The resource's tags; undefined when the role may not read them (then it is not break glass's). */
async function tagsOf(
  client: Route53ResolverClient,
  arn: string,
): Promise<Map<string, string> | undefined> {
  const tags = new Map<string, string>();
  let token: string | undefined;
  try {
    do {
      const page = await client.send(
        new ListTagsForResourceCommand({ ResourceArn: arn, MaxResults: 100, NextToken: token }),
      );
      for (const tag of page.Tags ?? []) tags.set(tag.Key ?? '', tag.Value ?? '');
      token = page.NextToken;
    } while (token !== undefined);
  } catch (error) {
    if (errorName(error) === 'AccessDeniedException') return undefined;
    if (errorName(error) === 'ResourceNotFoundException') return new Map();
    throw error;
  }
  return tags;
}

async function goneIsFine(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if (errorName(error) !== 'ResourceNotFoundException') throw error;
  }
}

function idOf(id: string | undefined, what: string): string {
  if (id === undefined) throw new DnsFirewallAllowError(`creating ${what} returned no id`);
  return id;
}

const errorName = (error: unknown) => (error as { name?: string } | null)?.name;
