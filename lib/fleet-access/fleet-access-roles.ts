import { Duration, Stack } from 'aws-cdk-lib';
import {
  AccountPrincipal,
  Effect,
  PolicyDocument,
  PolicyStatement,
  Role,
} from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  breakGlassFunctionRoleName,
  FLEET_BREAK_GLASS_NAME_PREFIX,
  FLEET_BREAK_GLASS_OWNER,
  FLEET_BREAK_GLASS_TAG_KEYS,
  FLEET_BREAK_GLASS_ROLE_NAME,
} from '../../lambdas/contracts/break-glass';
import {
  FLEET_PROMOTION_OWNER,
  FLEET_RESOURCE_PREFIX,
  PROMOTION_TARGET_ROLE_NAMES,
  promotionFunctionRoleName,
  type PromotionTargetFunction,
} from '../../lambdas/contracts/promotion-contracts';
import { acknowledgeWildcardResource } from '../constructs/nag';
import type { TrustedWardDeployment } from './fleet-access-plan';
import {
  breakGlassWafGuards,
  breakGlassWafStatements,
  ownedBy,
  RESOLVER_CHANGE_ACTIONS,
  RESOLVER_CREATE_ACTIONS,
  RESOLVER_LIST_ACTIONS,
  RESOLVER_READ_ACTIONS,
  resolverArns,
  taggedOnCreate,
  tagOnCreateStatement,
  WAF_LIST_ACTIONS,
  WAF_READ_ACTIONS,
  WAF_WRITE_ACTIONS,
  wafArns,
  type FleetResourceScope,
} from './fleet-access-policies';

/** Properties of a {@link FleetAccessRoles}. */
export interface FleetAccessRolesProps {
  /** The Regions of the fleet stages in this account. */
  readonly regions: readonly string[];
  /** The Ward deployments whose promotion functions may assume the promotion roles. */
  readonly promotion: readonly TrustedWardDeployment[];
  /**
   * The Ward deployments whose break-glass function may assume `ward-break-glass-apply`.
   * @default - none: the account gets no break-glass role
   */
  readonly breakGlass?: readonly TrustedWardDeployment[];
}

/** Credentials Ward's functions hold for at most an hour; each call assumes again. */
const MAX_SESSION = Duration.hours(1);

/**
 * The roles in a fleet account that Ward assumes from its own account: `ward-promotion-apply`
 * (changes Ward's own WAF and DNS Firewall resources, never break glass's), `ward-promotion-read`
 * (reads them: verification and drift) and `ward-break-glass-apply` (only break glass's own).
 * Each trusts Ward's account, and within it only the named function roles.
 */
export class FleetAccessRoles extends Construct {
  public readonly applyRole: Role;
  public readonly readRole: Role;
  /** Absent when no Ward deployment's break glass writes to this account. */
  public readonly breakGlassRole?: Role;

  constructor(scope: Construct, id: string, props: FleetAccessRolesProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const where: FleetResourceScope = {
      partition: stack.partition,
      account: stack.account,
      regions: props.regions,
    };
    const wardRoles = (fn: PromotionTargetFunction) =>
      props.promotion.map((w) => ({ ...w, roleName: promotionFunctionRoleName(w.stage, fn) }));

    this.applyRole = this.role('PromotionApplyRole', {
      roleName: PROMOTION_TARGET_ROLE_NAMES.apply,
      description: 'Ward promotion applies bundles: only Ward’s WAF and DNS Firewall resources',
      trusted: wardRoles('apply'),
      statements: promotionApplyStatements(where),
    });
    this.readRole = this.role('PromotionReadRole', {
      roleName: PROMOTION_TARGET_ROLE_NAMES.read,
      description: 'Ward verification and drift checks read Ward’s WAF and DNS Firewall resources',
      trusted: [...wardRoles('verify'), ...wardRoles('drift')],
      statements: promotionReadStatements(where),
    });
    const breakGlass = props.breakGlass ?? [];
    if (breakGlass.length > 0)
      this.breakGlassRole = this.role('BreakGlassApplyRole', {
        roleName: FLEET_BREAK_GLASS_ROLE_NAME,
        description: 'Ward break glass writes its own WAF and DNS Firewall entries, nothing else',
        trusted: breakGlass.map((w) => ({ ...w, roleName: breakGlassFunctionRoleName(w.stage) })),
        statements: breakGlassStatements(where),
      });
  }

  /**
   * A role Ward's account may assume only as one of the named function roles. The trust names
   * the account as principal and the roles by `aws:PrincipalArn`, not the role ARNs as
   * principals: IAM would refuse a trust naming a role that does not exist yet (Ward's stacks
   * may deploy later), and would silently break it when the role is recreated.
   */
  private role(
    id: string,
    spec: {
      roleName: string;
      description: string;
      trusted: readonly (TrustedWardDeployment & { roleName: string })[];
      statements: PolicyStatement[];
    },
  ): Role {
    const partition = Stack.of(this).partition;
    const byAccount = new Map<string, string[]>();
    for (const t of spec.trusted)
      byAccount.set(t.account, [
        ...(byAccount.get(t.account) ?? []),
        `arn:${partition}:iam::${t.account}:role/${t.roleName}`,
      ]);
    const [first, ...rest] = [...byAccount];
    if (first === undefined) throw new Error(`${spec.roleName}: no Ward deployment to trust`);
    const principal = ([account, arns]: [string, string[]]) =>
      new AccountPrincipal(account).withConditions({ ArnEquals: { 'aws:PrincipalArn': arns } });
    const role = new Role(this, id, {
      roleName: spec.roleName,
      description: spec.description,
      assumedBy: principal(first),
      maxSessionDuration: MAX_SESSION,
      inlinePolicies: { Access: new PolicyDocument({ statements: spec.statements }) },
    });
    for (const other of rest)
      role.assumeRolePolicy?.addStatements(
        new PolicyStatement({ actions: ['sts:AssumeRole'], principals: [principal(other)] }),
      );
    // Each wildcard the role's own allows use is acknowledged on the role, with its reason.
    const wildcards = new Set(
      spec.statements
        .filter((st) => st.effect === Effect.ALLOW)
        .flatMap((st) => st.resources)
        .filter((r) => r.includes('*')),
    );
    for (const resource of wildcards) acknowledgeWildcardResource(role, resource, why(resource));
    return role;
  }
}

/** Lists and the VPC look-up: no resource ARN exists for them. */
function listStatement(extra: readonly string[] = []): PolicyStatement {
  return new PolicyStatement({
    sid: 'ListWafAndDnsFirewall',
    actions: [...WAF_LIST_ACTIONS, ...RESOLVER_LIST_ACTIONS, ...extra],
    resources: ['*'],
  });
}

function promotionApplyStatements(where: FleetResourceScope): PolicyStatement[] {
  const lists = resolverArns(where, 'firewall-domain-list');
  const groups = resolverArns(where, 'firewall-rule-group');
  return [
    listStatement(),
    new PolicyStatement({
      sid: 'ChangeWardWafResources',
      actions: [...WAF_READ_ACTIONS, ...WAF_WRITE_ACTIONS],
      resources: wafArns(where, FLEET_RESOURCE_PREFIX),
    }),
    // `ward-*` also matches `ward-bg-*`: break glass's namespace is carved out by denies,
    // but for creating each endpoint's break-glass IP sets, empty, tagged for break glass.
    ...breakGlassWafGuards(where),
    new PolicyStatement({
      sid: 'CreatePromotionDnsFirewallResources',
      actions: RESOLVER_CREATE_ACTIONS,
      resources: [...lists, ...groups],
      conditions: taggedOnCreate(FLEET_PROMOTION_OWNER),
    }),
    tagOnCreateStatement([...lists, ...groups], FLEET_PROMOTION_OWNER),
    // Rule calls are authorised on the rule group and on the domain list they name: both must
    // be promotion's, so a rule can never point a promotion group at a break-glass list.
    new PolicyStatement({
      sid: 'ChangePromotionDnsFirewallResources',
      actions: [...RESOLVER_READ_ACTIONS, ...RESOLVER_CHANGE_ACTIONS],
      resources: [...lists, ...groups],
      conditions: ownedBy(FLEET_PROMOTION_OWNER),
    }),
    // No association rights: which VPCs use a rule group is the stage's infrastructure's call
    // (the DNS Firewall target does not associate), and no deletes: a bundle replaces content.
  ];
}

function promotionReadStatements(where: FleetResourceScope): PolicyStatement[] {
  return [
    listStatement(),
    new PolicyStatement({
      sid: 'ReadWardWafResources',
      actions: WAF_READ_ACTIONS,
      resources: wafArns(where, FLEET_RESOURCE_PREFIX),
    }),
    new PolicyStatement({
      sid: 'ReadPromotionDnsFirewallResources',
      actions: RESOLVER_READ_ACTIONS,
      resources: [
        ...resolverArns(where, 'firewall-domain-list'),
        ...resolverArns(where, 'firewall-rule-group'),
      ],
      conditions: ownedBy(FLEET_PROMOTION_OWNER),
    }),
  ];
}

function breakGlassStatements(where: FleetResourceScope): PolicyStatement[] {
  const lists = resolverArns(where, 'firewall-domain-list');
  const groups = resolverArns(where, 'firewall-rule-group');
  const associations = resolverArns(where, 'firewall-rule-group-association');
  return [
    // AssociateFirewallRuleGroup depends on ec2:DescribeVpcs, which takes no resource ARN.
    listStatement(['ec2:DescribeVpcs']),
    ...breakGlassWafStatements(where),
    // Break glass tags what it creates with its owner, the grant's expiry and its stage
    // (FLEET_BREAK_GLASS_TAG_KEYS): the expiry travels inside the resource.
    new PolicyStatement({
      sid: 'CreateBreakGlassDnsFirewallResources',
      actions: RESOLVER_CREATE_ACTIONS,
      resources: [...lists, ...groups],
      conditions: taggedOnCreate(FLEET_BREAK_GLASS_OWNER, FLEET_BREAK_GLASS_TAG_KEYS),
    }),
    tagOnCreateStatement(
      [...lists, ...groups, ...associations],
      FLEET_BREAK_GLASS_OWNER,
      FLEET_BREAK_GLASS_TAG_KEYS,
    ),
    new PolicyStatement({
      sid: 'ChangeBreakGlassDnsFirewallResources',
      actions: [
        ...RESOLVER_READ_ACTIONS,
        ...RESOLVER_CHANGE_ACTIONS,
        // A grant ends by removing what it added: failing to delete would keep access.
        'route53resolver:DeleteFirewallDomainList',
        'route53resolver:DeleteFirewallRuleGroup',
        // The sweep reads each ward-bg- list's and rule group's stage and expiry tags.
        'route53resolver:ListTagsForResource',
      ],
      resources: [...lists, ...groups],
      conditions: ownedBy(FLEET_BREAK_GLASS_OWNER),
    }),
    // Associating is authorised on the rule group (must be break glass's) and on the new
    // association (its tags are in the request; it has none of its own yet): two statements.
    new PolicyStatement({
      sid: 'AssociateBreakGlassRuleGroups',
      actions: ['route53resolver:AssociateFirewallRuleGroup'],
      resources: groups,
      conditions: ownedBy(FLEET_BREAK_GLASS_OWNER),
    }),
    new PolicyStatement({
      sid: 'CreateBreakGlassAssociations',
      actions: ['route53resolver:AssociateFirewallRuleGroup'],
      resources: associations,
      conditions: taggedOnCreate(FLEET_BREAK_GLASS_OWNER, FLEET_BREAK_GLASS_TAG_KEYS),
    }),
    new PolicyStatement({
      sid: 'ChangeBreakGlassAssociations',
      actions: [
        'route53resolver:GetFirewallRuleGroupAssociation',
        'route53resolver:UpdateFirewallRuleGroupAssociation',
        'route53resolver:DisassociateFirewallRuleGroup',
      ],
      resources: associations,
      conditions: ownedBy(FLEET_BREAK_GLASS_OWNER),
    }),
  ];
}

/** Why a wildcard resource of a fleet role is as narrow as IAM allows. */
function why(resource: string): string {
  if (resource === '*')
    return `${[...WAF_LIST_ACTIONS, ...RESOLVER_LIST_ACTIONS].join(', ')} and ec2:DescribeVpcs accept no resource ARN (no resource type in the Service Authorization Reference); they list names and ids only.`;
  if (resource.includes(`/${FLEET_BREAK_GLASS_NAME_PREFIX}*`))
    return 'Break glass’s WAF names carry the ward-bg- prefix and WAF appends its own id: the pattern covers break glass’s WAF resources only.';
  if (resource.includes(':wafv2:'))
    return 'Ward’s WAF names carry the ward- prefix and WAF appends its own id: the pattern covers Ward’s WAF resources only (ward-bg- ones are denied to the apply role explicitly).';
  return 'Route 53 Resolver ARNs carry ids, not names: every statement on them is scoped by the ward:owner tag (aws:ResourceTag, or aws:RequestTag with aws:TagKeys when creating).';
}
