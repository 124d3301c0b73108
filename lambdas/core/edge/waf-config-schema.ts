import { z } from 'zod';
import { isCidr, parseCidr } from './cidr';
import { countryCodeProblem } from './country-codes';
import { WAF_FIXED_LIMITS } from './waf-limits';

/**
 * Edge rules as written in the fleet files: per public endpoint (a load balancer, API or
 * distribution), the WAF configuration. Words follow the fleet files (`allow`, `uriPath`);
 * the compiler turns them into WAFv2's own shapes.
 */

/** WAF's pattern for web ACL, rule and IP set names. */
const WAF_NAME = /^[\w-]{1,128}$/;

export const WafNameSchema = z
  .string()
  .regex(WAF_NAME, 'use 1-128 letters, digits, "_" or "-"')
  // WAF reserves names that start with AWS for rule groups it manages itself.
  .refine((name) => !name.startsWith('AWS'), 'names starting with "AWS" are reserved by AWS');

export const RuleActionSchema = z.enum(['allow', 'block', 'count', 'captcha', 'challenge']);

export const CidrSchema = z.string().transform((text, ctx) => {
  const parsed = parseCidr(text);
  if (isCidr(parsed)) return parsed.text;
  ctx.addIssue({ code: 'custom', message: parsed.problem });
  return z.NEVER;
});

export const CountryCodeSchema = z.string().superRefine((code, ctx) => {
  const problem = countryCodeProblem(code);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
});

/** Text transformations WAF applies before inspecting, in the order written. */
export const TextTransformationSchema = z.enum([
  'COMPRESS_WHITE_SPACE',
  'HTML_ENTITY_DECODE',
  'LOWERCASE',
  'CMD_LINE',
  'URL_DECODE',
  'BASE64_DECODE',
  'HEX_DECODE',
  'MD5',
  'REPLACE_COMMENTS',
  'ESCAPE_SEQ_DECODE',
  'SQL_HEX_DECODE',
  'CSS_DECODE',
  'JS_DECODE',
  'NORMALIZE_PATH',
  'NORMALIZE_PATH_WIN',
  'REMOVE_NULLS',
  'REPLACE_NULLS',
  'BASE64_DECODE_EXT',
  'URL_DECODE_UNI',
  'UTF8_TO_UNICODE',
]);

const TransformationsSchema = z
  .array(TextTransformationSchema)
  .max(
    WAF_FIXED_LIMITS.textTransformationsPerStatement,
    `use at most ${WAF_FIXED_LIMITS.textTransformationsPerStatement} text transformations`,
  )
  .default([]);

/** HTTP header names are case-insensitive; WAF is given them in lowercase. */
const HeaderNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/, 'not a valid HTTP header name')
  .transform((name) => name.toLowerCase());

export const OversizeHandlingSchema = z.enum(['CONTINUE', 'MATCH', 'NO_MATCH']);

/** The part of the request a condition inspects. */
export const FieldSchema = z.union([
  z.enum(['uriPath', 'queryString', 'method']),
  z.strictObject({ header: HeaderNameSchema }),
  z.strictObject({
    /** WAF sees only the first 8-64 KB of a body; what happens to the rest is explicit. */
    body: z.strictObject({ oversize: OversizeHandlingSchema.default('CONTINUE') }).prefault({}),
  }),
]);

const conditionBase = {
  field: FieldSchema,
  transformations: TransformationsSchema,
  /** Match requests that do NOT meet the condition. */
  negate: z.boolean().default(false),
};

const pattern = z
  .string()
  .min(1, 'the pattern is empty')
  .max(
    WAF_FIXED_LIMITS.regexPatternCharacters,
    `a regex pattern may have at most ${WAF_FIXED_LIMITS.regexPatternCharacters} characters`,
  );

export const ConditionSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('string'),
    ...conditionBase,
    position: z.enum(['EXACTLY', 'STARTS_WITH', 'ENDS_WITH', 'CONTAINS', 'CONTAINS_WORD']),
    value: z
      .string()
      .min(1, 'the value is empty')
      .max(
        WAF_FIXED_LIMITS.stringMatchCharacters,
        `a string match may have at most ${WAF_FIXED_LIMITS.stringMatchCharacters} characters`,
      ),
  }),
  z.strictObject({ type: z.literal('regex'), ...conditionBase, pattern }),
  z.strictObject({
    type: z.literal('regexSet'),
    ...conditionBase,
    patterns: z
      .array(pattern)
      .min(1, 'name at least one pattern')
      .max(
        WAF_FIXED_LIMITS.patternsPerRegexSet,
        `a regex pattern set may hold at most ${WAF_FIXED_LIMITS.patternsPerRegexSet} patterns`,
      ),
  }),
  z.strictObject({
    type: z.literal('size'),
    ...conditionBase,
    comparison: z.enum(['EQ', 'NE', 'LE', 'LT', 'GE', 'GT']),
    size: z.number().int().min(0).max(21_474_836_480),
  }),
]);

const AllSchema = z.strictObject({
  all: z.array(ConditionSchema).min(2, 'combine at least two conditions'),
});
const AnySchema = z.strictObject({
  any: z.array(ConditionSchema).min(2, 'combine at least two conditions'),
});

/**
 * One condition, or several that must all (AND) or any (OR) hold. Chosen by shape before
 * parsing, so a mistake is reported inside the form meant rather than as "no form matched".
 */
export const MatchSchema = z
  .unknown()
  .transform(
    (
      value,
      ctx,
    ):
      | z.output<typeof ConditionSchema>
      | z.output<typeof AllSchema>
      | z.output<typeof AnySchema> => {
      const has = (key: string) => value !== null && typeof value === 'object' && key in value;
      const schema = has('all') ? AllSchema : has('any') ? AnySchema : ConditionSchema;
      const result = schema.safeParse(value);
      if (result.success) return result.data;
      for (const issue of result.error.issues) {
        ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
      }
      return z.NEVER;
    },
  );

/** Evaluation order inside a category: lower first, then by name. */
const OrderSchema = z.number().int().min(0).max(1000).default(0);

export const CustomRuleSchema = z.strictObject({
  name: WafNameSchema,
  action: RuleActionSchema,
  order: OrderSchema,
  when: MatchSchema,
});

export const RateLimitKeySchema = z.union([
  z.enum(['ip', 'forwardedIp', 'method', 'uriPath', 'queryString']),
  z.strictObject({ header: HeaderNameSchema }),
  z.strictObject({ queryArgument: z.string().min(1).max(64) }),
  z.strictObject({ cookie: z.string().min(1).max(64) }),
]);

export const RateLimitSchema = z.strictObject({
  name: WafNameSchema,
  /** Requests per evaluation window for one aggregation instance. */
  limit: z
    .number()
    .int()
    .min(
      WAF_FIXED_LIMITS.minimumRateLimit,
      `the limit must be at least ${WAF_FIXED_LIMITS.minimumRateLimit} requests`,
    )
    .max(2_000_000_000),
  windowSeconds: z
    .union([z.literal(60), z.literal(120), z.literal(300), z.literal(600)])
    .default(300),
  /** `ip` and `forwardedIp` alone, `constant` (count all, needs `scopeDown`), or custom keys. */
  aggregateBy: z
    .union([
      z.enum(['ip', 'forwardedIp', 'constant']),
      z.strictObject({
        keys: z
          .array(RateLimitKeySchema)
          .min(1)
          .max(
            WAF_FIXED_LIMITS.customKeysPerRateRule,
            `use at most ${WAF_FIXED_LIMITS.customKeysPerRateRule} aggregation keys`,
          ),
      }),
    ])
    .default('ip'),
  /** The header that carries the client address when aggregating by forwarded IP. */
  forwardedIpHeader: HeaderNameSchema.optional(),
  /**
   * What to do with a request whose forwarded-IP header is missing or malformed: `MATCH`
   * counts it against the limit (fail closed), `NO_MATCH` lets it past the rule.
   */
  forwardedIpFallback: z.enum(['MATCH', 'NO_MATCH']).default('MATCH'),
  action: RuleActionSchema.default('block'),
  scopeDown: MatchSchema.optional(),
});

export const ManagedRuleGroupSchema = z.strictObject({
  name: z.string().regex(/^[\w-]{1,128}$/, 'not a valid rule group name'),
  vendor: z.string().min(1).max(128).default('AWS'),
  /** Pin a version; without one, WAF uses the vendor's default version. */
  version: z.string().min(1).max(64).optional(),
  /** The group's WCU; required for groups Ward does not know, since it cannot be checked. */
  capacity: z.number().int().positive().max(WAF_FIXED_LIMITS.maxWebAclCapacity).optional(),
  /** `count` runs the whole group without acting: the usual first step for a new group. */
  mode: z.enum(['enforce', 'count']).default('enforce'),
  order: OrderSchema,
  ruleOverrides: z
    .array(z.strictObject({ rule: z.string().regex(/^[\w-]{1,128}$/), action: RuleActionSchema }))
    .default([]),
  /** Rules to run in count mode only (WAF's older "excluded rules"). */
  excludedRules: z.array(z.string().regex(/^[\w-]{1,128}$/)).default([]),
  botControlInspectionLevel: z.enum(['COMMON', 'TARGETED']).optional(),
});

export const GeoRuleSchema = z.strictObject({
  name: WafNameSchema,
  action: RuleActionSchema,
  /** `from`: requests from these countries; `notFrom`: from anywhere else. */
  match: z.enum(['from', 'notFrom']).default('from'),
  countries: z
    .array(CountryCodeSchema)
    .min(1, 'name at least one country')
    .max(
      WAF_FIXED_LIMITS.countriesPerGeoRule,
      `a geo rule may name at most ${WAF_FIXED_LIMITS.countriesPerGeoRule} countries`,
    ),
});

export const EdgeEndpointSchema = z.strictObject({
  /** The public endpoint, and the web ACL's name. */
  endpoint: WafNameSchema,
  scope: z.enum(['REGIONAL', 'CLOUDFRONT']),
  defaultAction: z.enum(['allow', 'block']),
  description: z
    .string()
    .max(256)
    .regex(/^[\w+=:#@/\-,.][\w+=:#@/\-,.\s]*$/, 'description may not use these characters')
    .optional(),
  /** Addresses let through before any other rule runs. */
  ipAllowList: z.array(CidrSchema).default([]),
  /** Addresses blocked before any other rule but the allow list runs. */
  ipDenyList: z.array(CidrSchema).default([]),
  geoRules: z.array(GeoRuleSchema).default([]),
  rateLimits: z.array(RateLimitSchema).default([]),
  customRules: z.array(CustomRuleSchema).default([]),
  managedRuleGroups: z.array(ManagedRuleGroupSchema).default([]),
});

export const EdgeRulesSchema = z.array(EdgeEndpointSchema).default([]);

export type RuleAction = z.infer<typeof RuleActionSchema>;
export type TextTransformation = z.infer<typeof TextTransformationSchema>;
export type Field = z.output<typeof FieldSchema>;
export type Condition = z.output<typeof ConditionSchema>;
export type Match = z.output<typeof MatchSchema>;
export type CustomRule = z.output<typeof CustomRuleSchema>;
export type RateLimitKey = z.output<typeof RateLimitKeySchema>;
export type RateLimit = z.output<typeof RateLimitSchema>;
export type ManagedRuleGroup = z.output<typeof ManagedRuleGroupSchema>;
export type GeoRule = z.output<typeof GeoRuleSchema>;
export type EdgeEndpoint = z.output<typeof EdgeEndpointSchema>;
export type EdgeEndpointInput = z.input<typeof EdgeEndpointSchema>;
