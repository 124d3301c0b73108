/**
 * WCUs of the AWS Managed Rules groups, as the WAF developer guide lists them for each group
 * ("VendorName: AWS, Name: ..., WCU: ..."). A group missing here needs its capacity written in
 * the config, from DescribeManagedRuleGroup, since an unknown cost cannot be checked.
 */
export const AWS_MANAGED_RULE_GROUP_WCU: Readonly<Record<string, number>> = {
  // Baseline
  AWSManagedRulesCommonRuleSet: 700,
  AWSManagedRulesAdminProtectionRuleSet: 100,
  AWSManagedRulesKnownBadInputsRuleSet: 200,
  // Use-case specific
  AWSManagedRulesSQLiRuleSet: 200,
  AWSManagedRulesLinuxRuleSet: 200,
  AWSManagedRulesUnixRuleSet: 100,
  AWSManagedRulesWindowsRuleSet: 200,
  AWSManagedRulesPHPRuleSet: 100,
  AWSManagedRulesWordPressRuleSet: 100,
  // IP reputation
  AWSManagedRulesAmazonIpReputationList: 25,
  AWSManagedRulesAnonymousIpList: 50,
  // Bot Control (both inspection levels)
  AWSManagedRulesBotControlRuleSet: 50,
};

/** The documented capacity of a managed group, or undefined when Ward does not know it. */
export function managedRuleGroupCapacity(vendor: string, name: string): number | undefined {
  return vendor === 'AWS' ? AWS_MANAGED_RULE_GROUP_WCU[name] : undefined;
}
