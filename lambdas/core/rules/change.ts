import { z } from 'zod';
import { canonicalJson } from '../canonical-json';
import {
  EdgeRuleSchema,
  EgressRuleSchema,
  IngressRuleSchema,
  ResourceGrantSchema,
  ServiceSchema,
  TeamSchema,
} from '../model/schemas';
import {
  RULE_COLLECTIONS,
  RuleSetValidationError,
  type RuleCollection,
  type RuleProblem,
} from './problems';
import { describeRule, ruleKey, type RuleOf } from './rule-identity';
import { canonicalRule, createRuleSet, type RuleSet } from './rule-set';

/** Rules of every collection; a side of a change. */
export type RuleSetDelta = { readonly [C in RuleCollection]: readonly RuleOf[C][] };

/**
 * A change to a rule set: rules to remove, then rules to add. A modified service or team
 * appears on both sides (its old and its new form), so a change states exactly what it
 * replaces and is refused if that is no longer what the rule set holds.
 */
export interface RuleSetChange {
  readonly remove: RuleSetDelta;
  readonly add: RuleSetDelta;
}

const DeltaSchema = z
  .strictObject({
    services: z.array(ServiceSchema).default([]),
    teams: z.array(TeamSchema).default([]),
    ingress: z.array(IngressRuleSchema).default([]),
    egress: z.array(EgressRuleSchema).default([]),
    grants: z.array(ResourceGrantSchema).default([]),
    edgeRules: z.array(EdgeRuleSchema).default([]),
  })
  .default({ services: [], teams: [], ingress: [], egress: [], grants: [], edgeRules: [] });

export const RuleSetChangeSchema = z.strictObject({ remove: DeltaSchema, add: DeltaSchema });

/** Parses an untrusted change (from the API or a file); problems name the offending rule. */
export function parseChange(input: unknown): RuleSetChange {
  const parsed = RuleSetChangeSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new RuleSetValidationError(
    parsed.error.issues.map((issue) => {
      const [side, collection, index, ...field] = issue.path;
      const located =
        RULE_COLLECTIONS.includes(collection as RuleCollection) && typeof index === 'number';
      return {
        code: 'invalid',
        message: `${issue.path.join('.') || 'change'}: ${issue.message}`,
        at: located
          ? {
              collection: collection as RuleCollection,
              index,
              change: side as 'add' | 'remove',
              ...(field.length > 0 ? { field: field.map(String).join('.') } : {}),
            }
          : { collection: 'version', index: 0 },
      } satisfies RuleProblem;
    }),
  );
}

export function emptyDelta(): RuleSetDelta {
  return { services: [], teams: [], ingress: [], egress: [], grants: [], edgeRules: [] };
}

/** The change that turns `from` into `to`: `apply(from, diff(from, to))` has `to`'s content. */
export function diff(from: RuleSet, to: RuleSet): RuleSetChange {
  const remove: Record<string, unknown[]> = {};
  const add: Record<string, unknown[]> = {};
  for (const collection of RULE_COLLECTIONS) {
    const before = indexByKey(collection, from[collection]);
    const after = indexByKey(collection, to[collection]);
    remove[collection] = [...before]
      .filter(([key, item]) => !sameRule(item, after.get(key)))
      .map(([, item]) => item);
    add[collection] = [...after]
      .filter(([key, item]) => !sameRule(item, before.get(key)))
      .map(([, item]) => item);
  }
  return { remove: remove as unknown as RuleSetDelta, add: add as unknown as RuleSetDelta };
}

/** True when a change adds and removes nothing. */
export function isEmptyChange(change: RuleSetChange): boolean {
  return RULE_COLLECTIONS.every((c) => change.add[c].length === 0 && change.remove[c].length === 0);
}

/**
 * Applies `change` to `set` and returns the next version. Refuses, listing every problem,
 * a removal of a rule that is absent or has changed, an addition of a rule that exists, and
 * any result that is not a valid rule set (a rule left pointing at a removed service, say).
 */
export function apply(set: RuleSet, change: RuleSetChange): RuleSet {
  const problems: RuleProblem[] = [];
  const next: Record<string, unknown[]> = {};
  const addedFrom: Record<string, number> = {};

  for (const collection of RULE_COLLECTIONS) {
    const current = indexByKey(collection, set[collection]);
    const removed = new Set<string>();
    change.remove[collection].forEach((item, index) => {
      const key = ruleKey(collection, item);
      const subject = describeRule(collection, item);
      const at = { collection, index, change: 'remove' as const };
      const existing = current.get(key);
      if (removed.has(key)) {
        problems.push({
          code: 'duplicate',
          message: `${subject} is removed twice in one change`,
          at,
        });
      } else if (existing === undefined) {
        problems.push({
          code: 'not-found',
          message: `cannot remove ${subject}: it is not in rule set v${set.version}`,
          at,
        });
      } else if (!sameRule(existing, canonicalRule(collection, item))) {
        problems.push({
          code: 'stale',
          message: `cannot remove ${subject}: rule set v${set.version} holds a different version of it`,
          at,
        });
      } else {
        current.delete(key);
        removed.add(key);
      }
    });
    addedFrom[collection] = current.size;
    change.add[collection].forEach((item, index) => {
      const key = ruleKey(collection, item);
      if (current.has(key)) {
        const where = removed.has(key)
          ? 'is added twice in one change'
          : `already exists in rule set v${set.version}`;
        problems.push({
          code: 'already-exists',
          message: `${describeRule(collection, item)} ${where}`,
          at: { collection, index, change: 'add' },
        });
      } else {
        current.set(key, item);
      }
    });
    next[collection] = [...current.values()];
  }
  if (problems.length > 0) throw new RuleSetValidationError(problems);

  try {
    return createRuleSet({ ...next, version: set.version + 1 });
  } catch (error) {
    if (!(error instanceof RuleSetValidationError)) throw error;
    // Point problems with added rules at the change, where the person who wrote it can look.
    const located = error.problems.map((problem): RuleProblem => {
      const { collection, index } = problem.at;
      const firstAdded = collection === 'version' ? undefined : addedFrom[collection];
      return firstAdded !== undefined && index >= firstAdded
        ? { ...problem, at: { ...problem.at, index: index - firstAdded, change: 'add' } }
        : problem;
    });
    throw new RuleSetValidationError(located, { cause: error });
  }
}

/**
 * True when `set` already holds what `change` makes: every added rule as added, and every
 * removed rule gone (unless the change adds it back in a new form). A retried apply uses it
 * to recognise its own earlier commit.
 */
export function isApplied(set: RuleSet, change: RuleSetChange): boolean {
  return RULE_COLLECTIONS.every((collection) => {
    const current = indexByKey(collection, set[collection]);
    const added = new Set(change.add[collection].map((item) => ruleKey(collection, item)));
    const addsPresent = change.add[collection].every((item) =>
      sameRule(current.get(ruleKey(collection, item)), canonicalRule(collection, item)),
    );
    const removalsGone = change.remove[collection].every((item) => {
      const key = ruleKey(collection, item);
      return added.has(key) || !current.has(key);
    });
    return addsPresent && removalsGone;
  });
}

function indexByKey<C extends RuleCollection>(collection: C, items: readonly RuleOf[C][]) {
  return new Map(items.map((item) => [ruleKey(collection, item), item] as const));
}

function sameRule(a: unknown, b: unknown): boolean {
  return b !== undefined && canonicalJson(a) === canonicalJson(b);
}
