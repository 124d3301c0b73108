import type { EnrichmentPorts, ServiceContext } from '../../core/audit/enrichment';
import type { RuleSet } from '../../core/rules/rule-set';

/** The part of the rule registry enrichment reads. */
export interface CurrentRuleSetReader {
  readCurrent(): Promise<RuleSet>;
}

/**
 * Enrichment lookups over the rule registry. Services come from the committed rule set (one
 * read per batch; a warm registry with `reuseVerifiedReads` reads one item). People's teams
 * are not looked up: Ward keeps no list of people, membership is only what a verified token's
 * groups claim says, and audit events do not carry it, so every actor answers "unknown" rather
 * than a guess.
 */
export class RegistryEnrichment implements EnrichmentPorts {
  constructor(private readonly registry: CurrentRuleSetReader) {}

  async servicesByName(names: readonly string[]): Promise<ReadonlyMap<string, ServiceContext>> {
    const wanted = new Set(names);
    const ruleSet = await this.registry.readCurrent();
    return new Map(
      ruleSet.services
        .filter((service) => wanted.has(service.name))
        .map((service) => [
          service.name,
          { service: service.name, team: service.team, tier: service.tier },
        ]),
    );
  }

  teamsOfActors(): Promise<ReadonlyMap<string, readonly string[]>> {
    return Promise.resolve(new Map());
  }
}
