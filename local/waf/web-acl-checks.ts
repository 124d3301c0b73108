import { AwsServiceError } from '../aws-endpoint/aws-errors';
import { invalid, statementCapacity } from './waf-capacity';

/** The limits the WAF stand-in enforces; AWS's values by default, lowered in tests to reach them. */
export interface LocalWafLimits {
  /** WCUs one web ACL may use: WAF's hard maximum. */
  readonly webAclCapacity: number;
  readonly addressesPerIpSet: number;
  readonly patternsPerRegexSet: number;
  /** Regex pattern sets per account and Region (a default quota). */
  readonly regexPatternSets: number;
  /** IP sets, and web ACLs, per account and Region (default quotas: 100 each). */
  readonly itemsPerKind: number;
  readonly referenceStatementsPerWebAcl: number;
  readonly rateBasedRulesPerWebAcl: number;
}

export const DEFAULT_LOCAL_WAF_LIMITS: LocalWafLimits = {
  webAclCapacity: 5_000,
  addressesPerIpSet: 10_000,
  patternsPerRegexSet: 10,
  regexPatternSets: 10,
  itemsPerKind: 100,
  referenceStatementsPerWebAcl: 50,
  rateBasedRulesPerWebAcl: 10,
};

const REFERENCE_KIND: Record<string, 'ipset' | 'regexpatternset'> = {
  IPSetReferenceStatement: 'ipset',
  RegexPatternSetReferenceStatement: 'regexpatternset',
};

/**
 * Validates a web ACL's rules as WAF does before storing them and returns its capacity:
 * actions present and of the right kind, unique names and priorities, references to IP and
 * regex pattern sets that exist in the same scope, and the capacity, reference and
 * rate-based rule limits.
 */
export function checkWebAcl(
  input: Record<string, unknown>,
  limits: LocalWafLimits,
  kindOfArn: (arn: string) => 'ipset' | 'regexpatternset' | undefined,
): number {
  if ('DefaultAction' in input) {
    const action = input.DefaultAction as Record<string, unknown> | undefined;
    const keys = Object.keys(action ?? {}).filter((k) => k === 'Allow' || k === 'Block');
    if (keys.length !== 1) throw invalid('DEFAULT_ACTION', 'DefaultAction must be Allow or Block');
    visibility(input.VisibilityConfig, 'VISIBILITY_CONFIG');
  }
  const rules = input.Rules;
  if (!Array.isArray(rules)) throw invalid('RULE', 'Rules must be a list');
  const names = new Set<string>();
  const priorities = new Set<number>();
  let capacity = 0;
  let references = 0;
  let rateBased = 0;
  for (const [index, raw] of rules.entries()) {
    const rule = raw as Record<string, unknown>;
    const field = `Rules[${index}]`;
    if (typeof rule.Name !== 'string' || !/^[\w-]{1,128}$/.test(rule.Name))
      throw invalid(`${field}.Name`, 'Name must be 1 to 128 letters, digits, "_" or "-"');
    if (names.has(rule.Name)) throw invalid('RULE', `duplicate rule name ${rule.Name}`);
    names.add(rule.Name);
    if (typeof rule.Priority !== 'number' || rule.Priority < 0)
      throw invalid(`${field}.Priority`, 'Priority must be a number of 0 or more');
    if (priorities.has(rule.Priority))
      throw invalid('RULE', `duplicate priority ${rule.Priority} (rule ${rule.Name})`);
    priorities.add(rule.Priority);
    visibility(rule.VisibilityConfig, `${field}.VisibilityConfig`);
    const managed =
      typeof rule.Statement === 'object' &&
      rule.Statement !== null &&
      'ManagedRuleGroupStatement' in rule.Statement;
    if (managed && (rule.OverrideAction === undefined || rule.Action !== undefined))
      throw invalid(`${field}`, 'a rule group reference takes OverrideAction, not Action');
    if (!managed && (rule.Action === undefined || rule.OverrideAction !== undefined))
      throw invalid(`${field}`, 'a rule takes Action, not OverrideAction');
    capacity += statementCapacity(rule.Statement, `${field}.Statement`);
    walkStatements(rule.Statement, (type, body) => {
      if (type === 'RateBasedStatement') rateBased += 1;
      const wanted = REFERENCE_KIND[type];
      if (wanted === undefined) return;
      references += 1;
      const arn = String(body.ARN);
      if (kindOfArn(arn) !== wanted)
        throw new AwsServiceError(
          'WAFNonexistentItemException',
          `AWS WAF couldn't perform the operation because your resource doesn't exist: ${arn} (${field})`,
        );
    });
  }
  const over = (what: string) =>
    new AwsServiceError(
      'WAFLimitsExceededException',
      `AWS WAF couldn't perform the operation because you exceeded your resource limit: ${what}`,
    );
  if (references > limits.referenceStatementsPerWebAcl)
    throw over(`${references} reference statements, over ${limits.referenceStatementsPerWebAcl}`);
  if (rateBased > limits.rateBasedRulesPerWebAcl)
    throw over(`${rateBased} rate-based rules, over ${limits.rateBasedRulesPerWebAcl}`);
  if (capacity > limits.webAclCapacity)
    throw over(`the web ACL needs ${capacity} WCUs, over its capacity of ${limits.webAclCapacity}`);
  return capacity;
}

function visibility(config: unknown, field: string): void {
  const metric = (config as { MetricName?: unknown } | undefined)?.MetricName;
  if (typeof metric !== 'string' || metric === '' || metric.length > 255)
    throw invalid(field, 'VisibilityConfig with a MetricName is required');
}

function walkStatements(
  statement: unknown,
  visit: (type: string, body: Record<string, unknown>) => void,
): void {
  if (statement === null || typeof statement !== 'object') return;
  for (const [type, body] of Object.entries(statement)) {
    if (body === null || typeof body !== 'object') continue;
    visit(type, body as Record<string, unknown>);
    const inner = body as Record<string, unknown>;
    for (const child of [inner.Statement, inner.ScopeDownStatement]) walkStatements(child, visit);
    if (Array.isArray(inner.Statements))
      for (const child of inner.Statements) walkStatements(child, visit);
  }
}
