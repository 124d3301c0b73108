import { reference } from './references';
import type {
  Condition,
  Field,
  Match,
  RateLimit,
  RateLimitKey,
  RuleAction,
  TextTransformation,
} from './waf-config-schema';

/**
 * Builds WAFv2 statements (the API's JSON shapes) together with their capacity, so the cost
 * Ward checks is always the cost of exactly what it emits. Costs are AWS's documented ones
 * ("Using match rule statements in AWS WAF", "Using rate-based rule statements"); WAF may
 * charge less when rules share work, so Ward's figure is an upper bound and never too low.
 */

/** Documented base WCUs of each statement type. */
export const STATEMENT_WCU = {
  geoMatch: 1,
  ipSetReference: 1,
  sizeConstraint: 1,
  regexMatch: 3,
  regexPatternSet: 25,
  stringMatchExactStartsEnds: 2,
  stringMatchContains: 10,
  /** Added per text transformation on a statement (NONE transforms nothing and is free). */
  perTextTransformation: 10,
  rateBased: 2,
  /** Added per custom aggregation key of a rate-based statement. */
  perRateCustomKey: 30,
} as const;

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Statement = { [key: string]: Json };

/** A regex pattern set a statement refers to: created before the web ACL that uses it. */
export interface RegexPatternSet {
  readonly Name: string;
  readonly Scope: 'REGIONAL' | 'CLOUDFRONT';
  readonly RegularExpressionList: readonly { readonly RegexString: string }[];
}

export interface Built {
  readonly statement: Statement;
  readonly wcu: number;
}

/** What statement builders need from the rule they belong to. */
export interface BuildContext {
  readonly scope: 'REGIONAL' | 'CLOUDFRONT';
  /** Stem for names of objects a statement creates, e.g. `ward-public-api-block-scanners`. */
  readonly nameStem: string;
  /** Collects the regex pattern sets the statements refer to. */
  readonly regexSets: RegexPatternSet[];
}

export function actionJson(action: RuleAction): Statement {
  const key = {
    allow: 'Allow',
    block: 'Block',
    count: 'Count',
    captcha: 'Captcha',
    challenge: 'Challenge',
  }[action];
  return { [key]: {} };
}

export function fieldToMatch(field: Field): Statement {
  if (field === 'uriPath') return { UriPath: {} };
  if (field === 'queryString') return { QueryString: {} };
  if (field === 'method') return { Method: {} };
  if ('header' in field) return { SingleHeader: { Name: field.header } };
  return { Body: { OversizeHandling: field.body.oversize } };
}

/** WAF takes at least one transformation; NONE stands for "inspect as received". */
export function textTransformations(list: readonly TextTransformation[]): Json[] {
  const types = list.length === 0 ? ['NONE'] : list;
  return types.map((type, priority) => ({ Priority: priority, Type: type }));
}

function transformationCost(list: readonly TextTransformation[]): number {
  return list.length * STATEMENT_WCU.perTextTransformation;
}

/** One condition as a statement; `negate` wraps it in a NotStatement, which costs nothing extra. */
export function conditionStatement(condition: Condition, context: BuildContext): Built {
  const inspected = {
    FieldToMatch: fieldToMatch(condition.field),
    TextTransformations: textTransformations(condition.transformations),
  };
  const extra = transformationCost(condition.transformations);
  let built: Built;
  switch (condition.type) {
    case 'string': {
      const contains = condition.position === 'CONTAINS' || condition.position === 'CONTAINS_WORD';
      built = {
        statement: {
          ByteMatchStatement: {
            SearchString: condition.value,
            PositionalConstraint: condition.position,
            ...inspected,
          },
        },
        wcu:
          (contains
            ? STATEMENT_WCU.stringMatchContains
            : STATEMENT_WCU.stringMatchExactStartsEnds) + extra,
      };
      break;
    }
    case 'regex':
      built = {
        statement: { RegexMatchStatement: { RegexString: condition.pattern, ...inspected } },
        wcu: STATEMENT_WCU.regexMatch + extra,
      };
      break;
    case 'regexSet': {
      const name = `${context.nameStem}-${context.regexSets.length + 1}`;
      context.regexSets.push({
        Name: name,
        Scope: context.scope,
        // Order within a set means nothing to WAF: sorted and de-duplicated for stable bytes.
        RegularExpressionList: [...new Set(condition.patterns)]
          .sort()
          .map((p) => ({ RegexString: p })),
      });
      built = {
        statement: {
          RegexPatternSetReferenceStatement: { ARN: reference('regexset', name), ...inspected },
        },
        wcu: STATEMENT_WCU.regexPatternSet + extra,
      };
      break;
    }
    case 'size':
      built = {
        statement: {
          SizeConstraintStatement: {
            ComparisonOperator: condition.comparison,
            Size: condition.size,
            ...inspected,
          },
        },
        wcu: STATEMENT_WCU.sizeConstraint + extra,
      };
      break;
  }
  return condition.negate
    ? { statement: { NotStatement: { Statement: built.statement } }, wcu: built.wcu }
    : built;
}

/** A match: one condition, or an AND/OR of several, costing the sum of its parts. */
export function matchStatement(match: Match, context: BuildContext): Built {
  if ('all' in match || 'any' in match) {
    const [key, conditions] =
      'all' in match ? ['AndStatement', match.all] : ['OrStatement', match.any];
    const parts = conditions.map((condition) => conditionStatement(condition, context));
    return {
      statement: { [key]: { Statements: parts.map((p) => p.statement) } },
      wcu: parts.reduce((sum, p) => sum + p.wcu, 0),
    };
  }
  return conditionStatement(match, context);
}

export function geoStatement(countries: readonly string[], notFrom: boolean): Built {
  const geo = { GeoMatchStatement: { CountryCodes: [...new Set(countries)].sort() } };
  return {
    statement: notFrom ? { NotStatement: { Statement: geo } } : geo,
    wcu: STATEMENT_WCU.geoMatch,
  };
}

/** One or two IP set references (IPv4 and IPv6 sets are separate in WAF), OR-ed together. */
export function ipSetsStatement(ipSetNames: readonly string[]): Built {
  const refs = ipSetNames.map((name) => ({
    IPSetReferenceStatement: { ARN: reference('ipset', name) },
  }));
  const statement = refs.length === 1 && refs[0] ? refs[0] : { OrStatement: { Statements: refs } };
  return { statement, wcu: refs.length * STATEMENT_WCU.ipSetReference };
}

export function rateBasedStatement(rule: RateLimit, context: BuildContext): Built {
  const statement: Statement = { Limit: rule.limit, EvaluationWindowSec: rule.windowSeconds };
  let wcu = STATEMENT_WCU.rateBased;
  const usesForwardedIp =
    rule.aggregateBy === 'forwardedIp' ||
    (typeof rule.aggregateBy === 'object' && rule.aggregateBy.keys.includes('forwardedIp'));
  if (typeof rule.aggregateBy === 'string') {
    statement.AggregateKeyType = { ip: 'IP', forwardedIp: 'FORWARDED_IP', constant: 'CONSTANT' }[
      rule.aggregateBy
    ];
  } else {
    statement.AggregateKeyType = 'CUSTOM_KEYS';
    statement.CustomKeys = rule.aggregateBy.keys.map(customKey);
    wcu += rule.aggregateBy.keys.length * STATEMENT_WCU.perRateCustomKey;
  }
  if (usesForwardedIp && rule.forwardedIpHeader !== undefined) {
    statement.ForwardedIPConfig = {
      HeaderName: rule.forwardedIpHeader,
      FallbackBehavior: rule.forwardedIpFallback,
    };
  }
  if (rule.scopeDown !== undefined) {
    const scopeDown = matchStatement(rule.scopeDown, context);
    statement.ScopeDownStatement = scopeDown.statement;
    wcu += scopeDown.wcu;
  }
  return { statement: { RateBasedStatement: statement }, wcu };
}

function customKey(key: RateLimitKey): Json {
  const none = textTransformations([]);
  if (key === 'ip') return { IP: {} };
  if (key === 'forwardedIp') return { ForwardedIP: {} };
  if (key === 'method') return { HTTPMethod: {} };
  if (key === 'uriPath') return { UriPath: { TextTransformations: none } };
  if (key === 'queryString') return { QueryString: { TextTransformations: none } };
  if ('header' in key) return { Header: { Name: key.header, TextTransformations: none } };
  if ('cookie' in key) return { Cookie: { Name: key.cookie, TextTransformations: none } };
  return { QueryArgument: { Name: key.queryArgument, TextTransformations: none } };
}
