import type { RuleSet } from '../lambdas/core/rules/rule-set';
import { readFleet } from './fleet/read-fleet';
import { registryForTable } from './registry-client';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Where a command reads rules from: a fleet directory, or the registry table. */
export interface RuleSource {
  readonly dir?: string;
  readonly fromTable?: string;
  /** The command's environment, for the registry's endpoint. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export async function loadRuleSet(source: RuleSource): Promise<RuleSet> {
  if ((source.dir === undefined) === (source.fromTable === undefined)) {
    throw new UsageError(
      'give either a fleet directory or --from-table NAME, not both and not neither',
    );
  }
  if (source.dir !== undefined) return readFleet(source.dir);
  return registryForTable(source.fromTable ?? '', source.env).readCurrent();
}
