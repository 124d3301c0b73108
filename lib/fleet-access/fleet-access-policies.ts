import { Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import {
  BREAK_GLASS_WAF_TAG_PREFIX,
  FLEET_BREAK_GLASS_NAME_PREFIX,
  FLEET_BREAK_GLASS_OWNER,
} from '../../lambdas/contracts/break-glass';
import { FLEET_OWNER_TAG_KEY } from '../../lambdas/contracts/promotion-contracts';

/**
 * The IAM statements of the fleet accounts' roles, built from where the resources are. Each
 * statement names the actions Ward's adapters call (checked against the Service Authorization
 * Reference for WAF V2 and Route 53 Resolver) and nothing more.
 */

/** Where a fleet account's WAF and DNS Firewall resources are. */
export interface FleetResourceScope {
  readonly partition: string;
  readonly account: string;
  /** The Regions of the account's fleet stages (regional web ACLs, DNS Firewall). */
  readonly regions: readonly string[];
}

/** The WAF resource types Ward writes; each ARN ends `<type>/<name>/<id>`. */
const WAF_TYPES = ['webacl', 'ipset', 'regexpatternset', 'rulegroup'] as const;
type WafType = (typeof WAF_TYPES)[number];

/**
 * WAF ARNs of the resources whose names start with `namePrefix`: regional ones in each Region,
 * and CloudFront ones, which WAF keeps in us-east-1 under the `global` scope. WAF's ARNs carry
 * the name (`arn:aws:wafv2:<region>:<account>:regional/ipset/<name>/<id>`), so a name prefix
 * in the ARN pattern is what scopes a role to its own resources.
 */
export function wafArns(
  scope: FleetResourceScope,
  namePrefix: string,
  types: readonly WafType[] = WAF_TYPES,
): string[] {
  const at = (region: string, arnScope: string) =>
    types.map(
      (type) =>
        `arn:${scope.partition}:wafv2:${region}:${scope.account}:${arnScope}/${type}/${namePrefix}*/*`,
    );
  return [
    ...scope.regions.flatMap((region) => at(region, 'regional')),
    ...at('us-east-1', 'global'),
  ];
}

/** Route 53 Resolver ARNs of one DNS Firewall resource type, any id, in the scope's Regions. */
export function resolverArns(
  scope: FleetResourceScope,
  type: 'firewall-domain-list' | 'firewall-rule-group' | 'firewall-rule-group-association',
): string[] {
  return scope.regions.map(
    (region) => `arn:${scope.partition}:route53resolver:${region}:${scope.account}:${type}/*`,
  );
}

/** WAF calls that take no resource ARN (Service Authorization Reference: no resource type). */
export const WAF_LIST_ACTIONS = [
  'wafv2:ListWebACLs',
  'wafv2:ListIPSets',
  'wafv2:ListRegexPatternSets',
  'wafv2:ListRuleGroups',
];
/** DNS Firewall calls that take no resource ARN: listing is by account and Region only. */
export const RESOLVER_LIST_ACTIONS = [
  'route53resolver:ListFirewallDomainLists',
  'route53resolver:ListFirewallRuleGroups',
  'route53resolver:ListFirewallRuleGroupAssociations',
];

export const WAF_READ_ACTIONS = [
  'wafv2:GetWebACL',
  'wafv2:GetIPSet',
  'wafv2:GetRegexPatternSet',
  'wafv2:GetRuleGroup',
];
export const WAF_WRITE_ACTIONS = [
  'wafv2:CreateWebACL',
  'wafv2:UpdateWebACL',
  'wafv2:CreateIPSet',
  'wafv2:UpdateIPSet',
  'wafv2:CreateRegexPatternSet',
  'wafv2:UpdateRegexPatternSet',
  'wafv2:CreateRuleGroup',
  'wafv2:UpdateRuleGroup',
];
export const WAF_DELETE_ACTIONS = [
  'wafv2:DeleteWebACL',
  'wafv2:DeleteIPSet',
  'wafv2:DeleteRegexPatternSet',
  'wafv2:DeleteRuleGroup',
];

/** Reads of one domain list or rule group (each names it by id, so its ARN and tags apply). */
export const RESOLVER_READ_ACTIONS = [
  'route53resolver:GetFirewallDomainList',
  'route53resolver:ListFirewallDomains',
  'route53resolver:GetFirewallRuleGroup',
  'route53resolver:ListFirewallRules',
];
/** Changes inside a domain list or rule group that already exists (and is tagged). */
export const RESOLVER_CHANGE_ACTIONS = [
  'route53resolver:UpdateFirewallDomains',
  'route53resolver:CreateFirewallRule',
  'route53resolver:UpdateFirewallRule',
  'route53resolver:DeleteFirewallRule',
];
/** Creating lists and rule groups: aws:RequestTag and aws:TagKeys apply, aws:ResourceTag cannot. */
export const RESOLVER_CREATE_ACTIONS = [
  'route53resolver:CreateFirewallDomainList',
  'route53resolver:CreateFirewallRuleGroup',
];

/** `ward:owner` on the resource is `owner`. */
export const ownedBy = (owner: string) => ({
  StringEquals: { [`aws:ResourceTag/${FLEET_OWNER_TAG_KEY}`]: owner },
});

/**
 * The request tags the resource `ward:owner=<owner>` and carries no tag key but `keys`
 * (promotion writes the owner tag alone; break glass also its expiry and stage).
 */
export const taggedOnCreate = (owner: string, keys: readonly string[] = [FLEET_OWNER_TAG_KEY]) => ({
  StringEquals: { [`aws:RequestTag/${FLEET_OWNER_TAG_KEY}`]: owner },
  'ForAllValues:StringEquals': { 'aws:TagKeys': [...keys] },
});

/**
 * Tagging at creation: CreateFirewallDomainList and CreateFirewallRuleGroup with `Tags` are
 * also authorised as route53resolver:TagResource. The tag written must be the owner's, and a
 * resource that already carries an owner tag must be the owner's: so a role can never claim
 * (re-tag) the other owner's lists or rule groups. UntagResource is granted to nobody.
 */
export function tagOnCreateStatement(
  resources: readonly string[],
  owner: string,
  keys: readonly string[] = [FLEET_OWNER_TAG_KEY],
): PolicyStatement {
  return new PolicyStatement({
    sid: 'TagOwnDnsFirewallResourcesOnCreate',
    actions: ['route53resolver:TagResource'],
    resources: [...resources],
    conditions: {
      ...taggedOnCreate(owner, keys),
      StringEqualsIfExists: { [`aws:ResourceTag/${FLEET_OWNER_TAG_KEY}`]: owner },
    },
  });
}

/**
 * What promotion may do in break glass's WAF namespace (`ward-bg-`), which its `ward-*` allow
 * also matches: explicit denies (a deny wins over any allow) of every write but one, creating
 * an endpoint's break-glass IP sets, tagged `ward:owner=break-glass` and nothing else, plus the
 * allow of that tag on create. It can never change their addresses, re-tag or delete them.
 */
export function breakGlassWafGuards(scope: FleetResourceScope): PolicyStatement[] {
  const others = wafArns(scope, FLEET_BREAK_GLASS_NAME_PREFIX, [
    'webacl',
    'regexpatternset',
    'rulegroup',
  ]);
  const ipSets = wafArns(scope, FLEET_BREAK_GLASS_NAME_PREFIX, ['ipset']);
  const createOrTag = ['wafv2:CreateIPSet', 'wafv2:TagResource'];
  return [
    new PolicyStatement({
      sid: 'NeverTouchBreakGlassWafResources',
      effect: Effect.DENY,
      actions: [
        ...WAF_WRITE_ACTIONS,
        ...WAF_DELETE_ACTIONS,
        'wafv2:TagResource',
        'wafv2:UntagResource',
      ],
      resources: others,
    }),
    // Not CreateWebACL/UpdateWebACL: IAM authorises those on the IP sets a web ACL refers to
    // as well, and every web ACL promotion writes refers to its endpoint's break-glass sets.
    new PolicyStatement({
      sid: 'NeverChangeBreakGlassIpSets',
      effect: Effect.DENY,
      actions: ['wafv2:UpdateIPSet', 'wafv2:DeleteIPSet', 'wafv2:UntagResource'],
      resources: ipSets,
    }),
    new PolicyStatement({
      sid: 'CreateBreakGlassIpSetsOnlyForBreakGlass',
      effect: Effect.DENY,
      actions: createOrTag,
      resources: ipSets,
      conditions: {
        StringNotEquals: { [`aws:RequestTag/${FLEET_OWNER_TAG_KEY}`]: FLEET_BREAK_GLASS_OWNER },
      },
    }),
    new PolicyStatement({
      sid: 'CreateBreakGlassIpSetsWithTheOwnerTagOnly',
      effect: Effect.DENY,
      actions: createOrTag,
      resources: ipSets,
      conditions: { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': [FLEET_OWNER_TAG_KEY] } },
    }),
    // CreateIPSet with Tags is also authorised as wafv2:TagResource.
    new PolicyStatement({
      sid: 'TagBreakGlassIpSetsOnCreate',
      actions: ['wafv2:TagResource'],
      resources: ipSets,
      conditions: taggedOnCreate(FLEET_BREAK_GLASS_OWNER),
    }),
  ];
}

/**
 * Break glass's WAF rights: read and replace the addresses of the `ward-bg-` IP sets promotion
 * created, and write, read and remove its per-grant `ward:bg:<grant id>` tags on them (never the
 * owner tag). It creates, deletes and references nothing in WAF.
 */
export function breakGlassWafStatements(scope: FleetResourceScope): PolicyStatement[] {
  const ipSets = wafArns(scope, FLEET_BREAK_GLASS_NAME_PREFIX, ['ipset']);
  return [
    new PolicyStatement({
      sid: 'ChangeBreakGlassIpSetAddresses',
      actions: ['wafv2:GetIPSet', 'wafv2:UpdateIPSet', 'wafv2:ListTagsForResource'],
      resources: ipSets,
    }),
    new PolicyStatement({
      sid: 'TagBreakGlassIpSetsPerGrant',
      actions: ['wafv2:TagResource', 'wafv2:UntagResource'],
      resources: ipSets,
      conditions: {
        'ForAllValues:StringLike': { 'aws:TagKeys': [`${BREAK_GLASS_WAF_TAG_PREFIX}*`] },
      },
    }),
  ];
}
