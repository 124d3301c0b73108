import type { Service, Team } from '../model/schemas';
import type { RuleSetChange } from '../rules/change';
import type { RuleSet } from '../rules/rule-set';
import type { ApprovalConfig } from '../../contracts/approval-config';

/** One team's approvals a change needs, and why. */
export interface ApprovalRequirement {
  readonly team: string;
  /** The identity-provider group whose members may approve for the team, as it is now. */
  readonly group: string;
  readonly approvals: number;
  /** The services of the team the change touches, or the governance reason. */
  readonly because: readonly string[];
}

/** A change that nobody could approve: refused before it is ever proposed (fail closed). */
export class UnapprovableChangeError extends Error {
  override readonly name = 'UnapprovableChangeError';
}

/**
 * The approvals a change needs. Every service it touches (the callee of an ingress rule, the
 * service of an egress rule, grant or edge rule, a service added, removed or edited) needs its
 * owning team: one person for `standard`, two for `critical`. A change to who approves (a
 * service's owning team or tier, a team's group, a team or service added or removed) or to an
 * endpoint's WAF rules also needs the security team, so nobody widens their own power alone. Teams and groups are read from the
 * rule set as it is now: a proposed change cannot choose its own approvers.
 */
export function requiredApprovals(
  change: RuleSetChange,
  current: RuleSet,
  config: ApprovalConfig,
): ApprovalRequirement[] {
  const services = new Map(current.services.map((s) => [s.name, s]));
  const teams = new Map(current.teams.map((t) => [t.name, t]));
  const added = {
    services: new Map(change.add.services.map((s) => [s.name, s])),
    teams: new Map(change.add.teams.map((t) => [t.name, t])),
  };
  const needs = new Map<string, { approvals: number; because: Set<string> }>();
  const need = (teamName: string, approvals: number, reason: string) => {
    const entry = needs.get(teamName) ?? { approvals: 0, because: new Set<string>() };
    entry.approvals = Math.max(entry.approvals, approvals);
    entry.because.add(reason);
    needs.set(teamName, entry);
  };
  const tierApprovals = (service: Service) => config.approvalsByTier[service.tier];
  const governance = (reason: string) => need(config.securityTeam, 1, reason);

  // Services named by rules: their owner approves, at the service's tier.
  const touched = new Set<string>([
    ...[...change.add.ingress, ...change.remove.ingress].map((r) => r.to),
    ...[...change.add.egress, ...change.remove.egress].map((r) => r.service),
    ...[...change.add.grants, ...change.remove.grants].map((g) => g.service),
    ...[...change.add.edgeRules, ...change.remove.edgeRules].map((r) => r.service),
  ]);
  for (const name of touched) {
    const service = services.get(name) ?? added.services.get(name);
    if (service === undefined)
      throw new UnapprovableChangeError(`the change names service ${name}, which does not exist`);
    need(service.team, tierApprovals(service), `rules of ${name}`);
  }

  // Edge rules decide what the internet may send: the security team owns WAF policy as a whole.
  for (const endpoint of new Set(
    [...change.add.edgeRules, ...change.remove.edgeRules].map((r) => r.endpoint),
  ))
    governance(`edge rules of ${endpoint}`);

  // Services themselves: edits of owner or tier are governance; other edits need the owner.
  const removedServices = new Map(change.remove.services.map((s) => [s.name, s]));
  for (const [name, before] of removedServices) {
    const after = added.services.get(name);
    if (after === undefined) {
      need(before.team, tierApprovals(before), `removal of ${name}`);
    } else if (after.team !== before.team || after.tier !== before.tier) {
      need(before.team, tierApprovals(before), `owner or tier of ${name}`);
      governance(
        `owner or tier of ${name} (${before.team}/${before.tier} -> ${after.team}/${after.tier})`,
      );
    } else {
      need(before.team, tierApprovals(before), `settings of ${name}`);
    }
  }
  for (const [name, service] of added.services) {
    if (removedServices.has(name)) continue;
    // A new service names its owner: the owner accepts it and security sees who approves it.
    if (teams.has(service.team)) need(service.team, 1, `new service ${name}`);
    governance(`new service ${name} owned by ${service.team}`);
  }

  // Teams: their groups decide who approves, so every team change is governance.
  const removedTeams = new Map(change.remove.teams.map((t) => [t.name, t]));
  for (const [name] of removedTeams) {
    need(name, 1, added.teams.has(name) ? `group of team ${name}` : `removal of team ${name}`);
    governance(added.teams.has(name) ? `group of team ${name}` : `removal of team ${name}`);
  }
  for (const [name] of added.teams) if (!removedTeams.has(name)) governance(`new team ${name}`);

  return [...needs.entries()]
    .map(([team, { approvals, because }]) => {
      const current = teams.get(team);
      if (current === undefined) {
        throw new UnapprovableChangeError(
          team === config.securityTeam
            ? `this change needs the security team "${team}", which is not defined; define it before changing who approves`
            : `team ${team} is not defined, so nobody could approve for it`,
        );
      }
      return { team, group: groupOf(current), approvals, because: [...because].sort() };
    })
    .sort((a, b) => (a.team < b.team ? -1 : 1));
}

function groupOf(team: Team): string {
  return team.group;
}
