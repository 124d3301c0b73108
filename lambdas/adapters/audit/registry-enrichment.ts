import type { EnrichmentPorts, ServiceContext } from '../../core/audit/enrichment';
import type { RuleSet } from '../../core/rules/rule-set';

/** The part of the rule registry enrichment reads. */
export interface CurrentRuleSetReader {
  readCurrent(): Promise<RuleSet>;
}

/**
 * Enrichment lookups over the rule registry. Services and teams come from the committed rule
 * set (one read per batch; a warm registry with `reuseVerifiedReads` reads one item). Ward
 * keeps no list of people: a person's teams are the teams whose identity-provider group is
 * among the groups their event's producer verified (`actor.groups`).
 */
export class RegistryEnrichment implements EnrichmentPorts {
  /** The read in flight: a batch's two look-ups share one read of the rule set. */
  private reading: Promise<RuleSet> | undefined;

  constructor(private readonly registry: CurrentRuleSetReader) {}

  private ruleSet(): Promise<RuleSet> {
    this.reading ??= this.registry.readCurrent().finally(() => (this.reading = undefined));
    return this.reading;
  }

  async servicesByName(names: readonly string[]): Promise<ReadonlyMap<string, ServiceContext>> {
    const wanted = new Set(names);
    const ruleSet = await this.ruleSet();
    return new Map(
      ruleSet.services
        .filter((service) => wanted.has(service.name))
        .map((service) => [
          service.name,
          { service: service.name, team: service.team, tier: service.tier },
        ]),
    );
  }

  async teamsOfGroups(groups: readonly string[]): Promise<ReadonlyMap<string, readonly string[]>> {
    const wanted = new Set(groups);
    const teams = new Map<string, string[]>();
    for (const team of (await this.ruleSet()).teams)
      if (wanted.has(team.group))
        teams.set(team.group, [...(teams.get(team.group) ?? []), team.name]);
    return teams;
  }
}
