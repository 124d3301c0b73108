import type { z } from 'zod';
import { canonicalJson, sha256Hex } from '../canonical-json';
import { describeRawEdgeRule, edgeRuleProblems } from '../edge/edge-rule-checks';
import {
  EdgeRuleSchema,
  EgressRuleSchema,
  IngressRuleSchema,
  ResourceGrantSchema,
  RuleSetInputSchema,
  ServiceSchema,
  TeamSchema,
  type EdgeRule,
  type EgressRule,
  type IngressRule,
  type ResourceGrant,
  type Service,
  type Team,
} from '../model/schemas';
import {
  RULE_COLLECTIONS,
  RuleSetValidationError,
  type RuleCollection,
  type RuleProblem,
} from './problems';
import { describeRawRule, describeRule, ruleKey, type RuleOf } from './rule-identity';

/**
 * All rules at one version: an immutable, canonical value. Every collection is sorted by its
 * rule key and deeply frozen, so two rule sets with the same content are equal byte for byte.
 * Build one only with `createRuleSet`, which refuses anything inconsistent.
 */
export interface RuleSet {
  readonly version: number;
  readonly services: readonly Service[];
  readonly teams: readonly Team[];
  readonly ingress: readonly IngressRule[];
  readonly egress: readonly EgressRule[];
  readonly grants: readonly ResourceGrant[];
  /** WAF configurations of public endpoints, each owned by a service. */
  readonly edgeRules: readonly EdgeRule[];
}

type ParsedInput = z.output<typeof RuleSetInputSchema>;
/** A parsed input with holes where rules were malformed; their raw names still count as known. */
type SalvagedInput = { readonly [C in RuleCollection]: readonly (RuleOf[C] | undefined)[] } & {
  readonly knownServiceNames?: readonly string[];
  readonly knownTeamNames?: readonly string[];
};

/**
 * Validates `input` and returns it as a canonical, frozen rule set. Throws
 * `RuleSetValidationError` listing every problem: malformed fields, unknown services or
 * teams, self edges, duplicate rules, egress to a fleet service.
 */
export function createRuleSet(input: unknown): RuleSet {
  const parsed = RuleSetInputSchema.safeParse(input);
  if (parsed.success) {
    const problems = referenceProblems(parsed.data);
    if (problems.length > 0) throw new RuleSetValidationError(problems);
    const set = deepFreeze(canonicalise(parsed.data));
    validatedRuleSets.add(set);
    return set;
  }
  // Check the well-formed rules too, so one bad field does not hide the other problems.
  const salvaged = salvageWellFormed(input, parsed.error);
  const problems = [
    ...schemaProblems(parsed.error, input),
    ...(salvaged ? referenceProblems(salvaged) : []),
  ];
  throw new RuleSetValidationError(sortProblems(problems));
}

/**
 * Rule sets this module built. They are deeply frozen, so they are still valid; anything
 * else that claims to be a RuleSet (a cast, a decoded blob) has to be validated again.
 */
const validatedRuleSets = new WeakSet<RuleSet>();

/** Returns `set` itself when `createRuleSet` built it, and validates it afresh otherwise. */
export function ensureValidRuleSet(set: RuleSet): RuleSet {
  return validatedRuleSets.has(set) ? set : createRuleSet(set);
}

/**
 * The SHA-256 of a rule set's content, independent of its version number. Edge rules came
 * after the first rule sets were stored: they count only when there are some, so a rule set
 * without any keeps the hash it was committed with.
 */
export function ruleSetSha256(set: RuleSet): string {
  const { version: _version, edgeRules, ...content } = set;
  return sha256Hex(canonicalJson(edgeRules.length > 0 ? { ...content, edgeRules } : content));
}

export function emptyRuleSet(version = 0): RuleSet {
  return createRuleSet({ version });
}

function schemaProblems(error: z.ZodError, input: unknown): RuleProblem[] {
  return error.issues.map((issue) => {
    const [collection, index, ...rest] = issue.path;
    if (!isCollection(collection) || typeof index !== 'number') {
      const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
      return {
        code: 'invalid',
        message: `${where}${issue.message}`,
        at: { collection: 'version', index: 0 },
      };
    }
    const raw = itemOf(input, collection, index);
    const { subject, field } =
      collection === 'edgeRules'
        ? describeRawEdgeRule(raw, index, rest)
        : { subject: describeRawRule(collection, raw, index), field: rest.map(String).join('.') };
    // The location keeps the whole path even where the message names a rule instead.
    const at = rest.map(String).join('.');
    return {
      code: 'invalid',
      message: field ? `${subject}: ${field}: ${issue.message}` : `${subject}: ${issue.message}`,
      at: { collection, index, ...(at ? { field: at } : {}) },
    };
  });
}

function referenceProblems(input: SalvagedInput): RuleProblem[] {
  const problems: RuleProblem[] = [];
  const report = (
    code: RuleProblem['code'],
    collection: RuleCollection,
    index: number,
    message: string,
    field?: string,
  ) => problems.push({ code, message, at: { collection, index, ...(field ? { field } : {}) } });

  const teamNames = new Set([
    ...present(input.teams).map((t) => t.name),
    ...(input.knownTeamNames ?? []),
  ]);
  const serviceNames = new Set([
    ...present(input.services).map((s) => s.name),
    ...(input.knownServiceNames ?? []),
  ]);

  for (const collection of RULE_COLLECTIONS) {
    const seen = new Map<string, number>();
    (input[collection] as readonly (RuleOf[RuleCollection] | undefined)[]).forEach(
      (item, index) => {
        if (item === undefined) return;
        const key = ruleKey(collection, item);
        const first = seen.get(key);
        if (first === undefined) {
          seen.set(key, index);
        } else {
          problems.push({
            code: 'duplicate',
            message: `${describeRule(collection, item)} is defined more than once`,
            at: { collection, index },
            duplicateOf: first,
          });
        }
      },
    );
  }

  input.services.forEach((service, i) => {
    if (service === undefined) return;
    if (!teamNames.has(service.team)) {
      report(
        'unknown-team',
        'services',
        i,
        `service ${service.name}: owning team "${service.team}" is not defined; every service needs an owning team`,
        'team',
      );
    }
  });

  const requireService = (
    collection: RuleCollection,
    i: number,
    field: string,
    name: string,
    subject: string,
  ) => {
    if (!serviceNames.has(name)) {
      report(
        'unknown-service',
        collection,
        i,
        `${subject}: "${name}" is not a known service`,
        field,
      );
    }
  };

  input.ingress.forEach((rule, i) => {
    if (rule === undefined) return;
    const subject = describeRule('ingress', rule);
    requireService('ingress', i, 'from', rule.from, subject);
    requireService('ingress', i, 'to', rule.to, subject);
    if (rule.from === rule.to) {
      report(
        'self-edge',
        'ingress',
        i,
        `${subject}: a service does not need a rule to call itself`,
      );
    }
    const ports = new Set<string>();
    for (const port of rule.ports) {
      const key = `${port.port}/${port.protocol}`;
      if (ports.has(key))
        report('duplicate', 'ingress', i, `${subject}: port ${key} is listed twice`, 'ports');
      ports.add(key);
    }
  });

  input.egress.forEach((rule, i) => {
    if (rule === undefined) return;
    const subject = describeRule('egress', rule);
    requireService('egress', i, 'service', rule.service, subject);
    const hostWithoutWildcard = rule.host.replace(/^\*\./, '');
    if (serviceNames.has(rule.host) || serviceNames.has(hostWithoutWildcard)) {
      report(
        'internal-host',
        'egress',
        i,
        `${subject}: "${rule.host}" is a fleet service; grant it with an ingress rule instead`,
        'host',
      );
    }
  });

  input.grants.forEach((grant, i) => {
    if (grant === undefined) return;
    requireService('grants', i, 'service', grant.service, describeRule('grants', grant));
  });

  const edgeRules = present(input.edgeRules);
  input.edgeRules.forEach((rule, i) => {
    if (rule === undefined) return;
    requireService('edgeRules', i, 'service', rule.service, describeRule('edgeRules', rule));
  });
  // What WAF itself would refuse (capacity, contradictions), so no such rule set is ever stored.
  if (edgeRules.length === input.edgeRules.length) {
    for (const problem of edgeRuleProblems(edgeRules))
      report('invalid', 'edgeRules', problem.index, problem.message, problem.field);
  }

  return sortProblems(problems);
}

function sortProblems(problems: RuleProblem[]): RuleProblem[] {
  const order = (p: RuleProblem) =>
    p.at.collection === 'version' ? -1 : RULE_COLLECTIONS.indexOf(p.at.collection);
  return problems.sort((a, b) => order(a) - order(b) || a.at.index - b.at.index);
}

const ITEM_SCHEMAS = {
  services: ServiceSchema,
  teams: TeamSchema,
  ingress: IngressRuleSchema,
  egress: EgressRuleSchema,
  grants: ResourceGrantSchema,
  edgeRules: EdgeRuleSchema,
} as const;

/**
 * When only some rules are malformed, the others can still be checked against each other.
 * Returns undefined when the input's overall shape is wrong and nothing can be salvaged.
 */
function salvageWellFormed(input: unknown, error: z.ZodError): SalvagedInput | undefined {
  const outsideItems = error.issues.some(
    (issue) => !isCollection(issue.path[0]) || typeof issue.path[1] !== 'number',
  );
  if (outsideItems || input === null || typeof input !== 'object') return undefined;
  const raw = input as Record<string, unknown>;
  const salvaged: Record<string, unknown[]> = {};
  for (const collection of RULE_COLLECTIONS) {
    const items = Array.isArray(raw[collection]) ? (raw[collection] as unknown[]) : [];
    salvaged[collection] = items.map((item) => {
      const result = ITEM_SCHEMAS[collection].safeParse(item);
      return result.success ? result.data : undefined;
    });
  }
  const rawNames = (collection: RuleCollection) =>
    (Array.isArray(raw[collection]) ? (raw[collection] as unknown[]) : [])
      .map((item) => (item as { name?: unknown } | null)?.name)
      .filter((name): name is string => typeof name === 'string');
  return {
    ...(salvaged as unknown as SalvagedInput),
    knownServiceNames: rawNames('services'),
    knownTeamNames: rawNames('teams'),
  };
}

function present<T>(items: readonly (T | undefined)[]): T[] {
  return items.filter((item): item is T => item !== undefined);
}

function canonicalise(input: ParsedInput): RuleSet {
  const sorted = <C extends RuleCollection>(collection: C, items: readonly RuleOf[C][]) =>
    items
      .map((item) => ({ item: canonicalRule(collection, item), key: ruleKey(collection, item) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map(({ item }) => item);
  return {
    version: input.version,
    services: sorted('services', input.services),
    teams: sorted('teams', input.teams),
    ingress: sorted('ingress', input.ingress),
    egress: sorted('egress', input.egress),
    grants: sorted('grants', input.grants),
    edgeRules: sorted('edgeRules', input.edgeRules),
  };
}

/** One rule in canonical form: its lists sorted and de-duplicated where order means nothing. */
export function canonicalRule<C extends RuleCollection>(collection: C, item: RuleOf[C]): RuleOf[C] {
  switch (collection) {
    case 'services': {
      const service = item as Service;
      return { ...service, labels: sortedRecord(service.labels) } as RuleOf[C];
    }
    case 'ingress': {
      const rule = item as IngressRule;
      const ports = [...rule.ports].sort(
        (a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol),
      );
      return { ...rule, ports } as RuleOf[C];
    }
    case 'grants': {
      const grant = item as ResourceGrant;
      return { ...grant, capabilities: [...new Set(grant.capabilities)].sort() } as RuleOf[C];
    }
    case 'edgeRules':
      return canonicalEdgeRule(item as EdgeRule) as RuleOf[C];
    default:
      return { ...item };
  }
}

/**
 * The compiler orders an endpoint's rules by category, `order` and name, and its IP lists by
 * address, so the order they are written in means nothing: sorted, a reordered file is no change.
 */
function canonicalEdgeRule(rule: EdgeRule): EdgeRule {
  const byName = <T extends { name: string }>(items: readonly T[]) =>
    [...items].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    ...rule,
    ipAllowList: [...rule.ipAllowList].sort(),
    ipDenyList: [...rule.ipDenyList].sort(),
    geoRules: byName(rule.geoRules),
    rateLimits: byName(rule.rateLimits),
    customRules: byName(rule.customRules),
    managedRuleGroups: [...rule.managedRuleGroups].sort((a, b) => {
      const [x, y] = [`${a.vendor}/${a.name}`, `${b.vendor}/${b.name}`];
      return x < y ? -1 : x > y ? 1 : 0;
    }),
  };
}

function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : 1)));
}

function isCollection(value: unknown): value is RuleCollection {
  return (RULE_COLLECTIONS as readonly unknown[]).includes(value);
}

function itemOf(input: unknown, collection: RuleCollection, index: number): unknown {
  const list = (input as Record<string, unknown> | null)?.[collection];
  return Array.isArray(list) ? list[index] : undefined;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
