import type { z } from 'zod';

/** One thing wrong with an endpoint's WAF config, naming the endpoint and, where one is at fault, the rule. */
export interface EdgeRuleProblem {
  readonly endpoint: string;
  readonly rule?: string;
  readonly message: string;
}

/**
 * Edge rules were refused: invalid, or over one of AWS's limits. Carries every problem so the
 * person fixing the config sees them all at once; nothing was compiled.
 */
export class EdgeRulesError extends Error {
  override readonly name = 'EdgeRulesError';
  constructor(readonly problems: readonly EdgeRuleProblem[]) {
    const first = problems[0] === undefined ? 'no problems recorded' : describeProblem(problems[0]);
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    super(`edge rules refused: ${first}${more}`);
  }
}

export function describeProblem(problem: EdgeRuleProblem): string {
  const rule = problem.rule === undefined ? '' : `, rule ${problem.rule}`;
  return `endpoint ${problem.endpoint}${rule}: ${problem.message}`;
}

const RULE_LISTS = new Set(['geoRules', 'rateLimits', 'customRules', 'managedRuleGroups']);

/**
 * Zod's issues as problems that name the endpoint and rule by their names in the raw input,
 * so "endpoints[2].rateLimits[0].limit" reads as "endpoint public-api, rule per-ip: limit: ...".
 */
export function schemaProblems(error: z.ZodError, input: unknown): EdgeRuleProblem[] {
  return error.issues.map((issue) => {
    const [index, list, ruleIndex, ...rest] = issue.path;
    const raw =
      Array.isArray(input) && typeof index === 'number' ? (input[index] as unknown) : undefined;
    const endpoint =
      nameOf(raw, 'endpoint') ?? (typeof index === 'number' ? `#${index + 1}` : '(config)');
    if (typeof list === 'string' && RULE_LISTS.has(list) && typeof ruleIndex === 'number') {
      const rawRule = (raw as Record<string, unknown> | undefined)?.[list];
      const item = Array.isArray(rawRule) ? (rawRule[ruleIndex] as unknown) : undefined;
      const rule = nameOf(item, 'name') ?? `${list}[${ruleIndex}]`;
      const field = rest.map(String).join('.');
      return { endpoint, rule, message: field ? `${field}: ${issue.message}` : issue.message };
    }
    const field = issue.path.slice(1).map(String).join('.');
    return { endpoint, message: field ? `${field}: ${issue.message}` : issue.message };
  });
}

function nameOf(value: unknown, key: string): string | undefined {
  const name = (value as Record<string, unknown> | null | undefined)?.[key];
  return typeof name === 'string' && name !== '' ? name : undefined;
}
