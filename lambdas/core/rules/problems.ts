/** The collections of a rule set, in the order they are reported. */
export const RULE_COLLECTIONS = [
  'services',
  'teams',
  'ingress',
  'egress',
  'grants',
  'edgeRules',
] as const;
export type RuleCollection = (typeof RULE_COLLECTIONS)[number];

export type RuleProblemCode =
  | 'invalid'
  | 'duplicate'
  | 'unknown-service'
  | 'unknown-team'
  | 'self-edge'
  | 'internal-host'
  | 'not-found'
  | 'already-exists'
  | 'stale';

/** Where in a rule-set input a problem lies: the collection, the item's index and the field. */
export interface RuleLocation {
  readonly collection: RuleCollection | 'version';
  readonly index: number;
  readonly field?: string;
  /** For a problem with a change: which side of it the rule is on. */
  readonly change?: 'add' | 'remove';
}

/** One thing wrong with a rule set or a change, with a message that names the rule. */
export interface RuleProblem {
  readonly code: RuleProblemCode;
  readonly message: string;
  readonly at: RuleLocation;
  /** For a duplicate: the index of the first definition in the same collection. */
  readonly duplicateOf?: number;
}

/**
 * A rule set or a change was refused. Carries every problem found, not only the first, so a
 * person fixing a fleet sees the whole list at once.
 */
export class RuleSetValidationError extends Error {
  override readonly name = 'RuleSetValidationError';
  constructor(
    readonly problems: readonly RuleProblem[],
    options?: { cause?: unknown },
  ) {
    const first = problems[0]?.message ?? 'no problems recorded';
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    super(`rule set refused: ${first}${more}`, options);
  }
}
