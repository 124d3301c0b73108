/**
 * AWS WAF's documented limits (developer guide, "AWS WAF quotas"), as of this writing. The
 * fixed ones cannot be raised; the defaults below them are what Ward checks unless told
 * otherwise, because going past them costs money or needs a quota increase.
 */
export const WAF_FIXED_LIMITS = {
  /** Hard maximum WCUs of one web ACL (and of one rule group). */
  maxWebAclCapacity: 5_000,
  /** IP set, regex pattern set and rule group references in one web ACL. */
  referenceStatementsPerWebAcl: 50,
  addressesPerIpSet: 10_000,
  rateBasedRulesPerWebAcl: 10,
  minimumRateLimit: 10,
  stringMatchCharacters: 200,
  regexPatternCharacters: 200,
  patternsPerRegexSet: 10,
  textTransformationsPerStatement: 10,
  countriesPerGeoRule: 50,
  /** Custom aggregation keys of one rate-based rule (RateBasedStatement.CustomKeys). */
  customKeysPerRateRule: 5,
} as const;

/** Limits Ward checks by default; each may be raised up to the fixed maximum. */
export interface WafLimits {
  /** WCUs one web ACL may use: 1,500 is what the base web ACL price covers. */
  readonly webAclCapacity: number;
  /** Regex pattern sets per account and Region (an adjustable quota, default 10). */
  readonly regexPatternSets: number;
}

export const DEFAULT_WAF_LIMITS: WafLimits = {
  webAclCapacity: 1_500,
  regexPatternSets: 10,
};
