import { Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { FLEET_BREAK_GLASS_ROLE_NAME } from '../../lambdas/contracts/break-glass';
import { PROMOTION_TARGET_ROLE_NAMES } from '../../lambdas/contracts/promotion-contracts';
import { loadPipelineSettings, loadStageConfigs } from '../../lib/config/stages';
import { fleetAccessPlans } from '../../lib/fleet-access/fleet-access-plan';
import {
  addFleetAccessStacks,
  wardAccounts,
  type WardFleetAccessStack,
} from '../../lib/fleet-access/ward-fleet-access-stack';
import { testApp, wardStacks } from './support/ward-app';

interface Statement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource: string | string[];
  readonly Condition?: Record<string, Record<string, unknown>>;
  readonly Principal?: { AWS: string };
}
interface RoleProps {
  readonly RoleName: string;
  readonly MaxSessionDuration: number;
  readonly AssumeRolePolicyDocument: { Statement: Statement[] };
  readonly Policies: { PolicyDocument: { Statement: Statement[] } }[];
}

const configs = loadStageConfigs();
const pipeline = loadPipelineSettings();
const stacks = addFleetAccessStacks(testApp(), configs, pipeline);
const byName = (name: string): WardFleetAccessStack => {
  const found = stacks.find((s) => s.stackName === name);
  if (found === undefined) throw new Error(`no stack ${name}`);
  return found;
};
const roles = (stack: Stack): Record<string, RoleProps> =>
  Object.fromEntries(
    Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role')).map((r) => {
      const props = (r as { Properties: RoleProps }).Properties;
      return [props.RoleName, props];
    }),
  );
const list = (value: string | string[]) => (Array.isArray(value) ? value : [value]);
const statements = (role: RoleProps) => role.Policies.flatMap((p) => p.PolicyDocument.Statement);
/** Every resource an Allow statement of `role` grants `action` on, with the statement's condition. */
const allowed = (role: RoleProps, action: string) =>
  statements(role)
    .filter((s) => s.Effect === 'Allow' && list(s.Action).includes(action))
    .flatMap((s) => list(s.Resource).map((resource) => ({ resource, condition: s.Condition })));
const denied = (role: RoleProps, action: string) =>
  statements(role)
    .filter((s) => s.Effect === 'Deny' && list(s.Action).includes(action))
    .flatMap((s) => list(s.Resource));

const prod = roles(byName('Ward-fleet-prod'));
const apply = prod[PROMOTION_TARGET_ROLE_NAMES.apply]!;
const read = prod[PROMOTION_TARGET_ROLE_NAMES.read]!;
const breakGlass = prod[FLEET_BREAK_GLASS_ROLE_NAME]!;

describe('WardFleetAccessStack: one per fleet account, from the stage config', () => {
  it('given the shipped config, then each fleet stage’s account gets its own stack, in that account and Region', () => {
    expect(stacks.map((s) => [s.stackName, s.account, s.region])).toEqual([
      ['Ward-fleet-s101', '222222222222', 'eu-west-2'],
      ['Ward-fleet-s102', '333333333333', 'eu-west-2'],
      ['Ward-fleet-prod', '444444444444', 'eu-west-2'],
    ]);
    for (const stack of stacks)
      expect(Object.keys(roles(stack)).sort()).toEqual(
        [FLEET_BREAK_GLASS_ROLE_NAME, 'ward-promotion-apply', 'ward-promotion-read'].sort(),
      );
  });

  it('given two fleet stages sharing an account, then that account gets one stack covering both', () => {
    const shared = configs.map((c) => ({
      ...c,
      promotionTargets: { ...c.promotionTargets, s102: c.promotionTargets.s101 },
    }));
    const plans = fleetAccessPlans(shared, wardAccounts(shared, pipeline));
    expect(plans.map((p) => [p.stackName, p.account, p.fleetStages])).toEqual([
      ['Ward-fleet-s101-s102', '222222222222', ['s101', 's102']],
      ['Ward-fleet-prod', '444444444444', ['prod']],
    ]);
  });

  it('given a Ward stage with its own account in the config, then the trust names that account', () => {
    const own = configs.map((c) => (c.stage === 'prod' ? { ...c, account: '555555555555' } : c));
    const [plan] = fleetAccessPlans(own, wardAccounts(own, pipeline));
    expect(plan?.trusted.map((t) => [t.stage, t.account])).toEqual([
      ['s101', '222222222222'],
      ['s102', '333333333333'],
      ['prod', '555555555555'],
    ]);
  });
});

describe('the fleet roles trust Ward’s account only, as the named function roles', () => {
  const trust = (role: RoleProps) =>
    role.AssumeRolePolicyDocument.Statement.map((s) => ({
      effect: s.Effect,
      action: s.Action,
      principal: s.Principal?.AWS,
      roles: s.Condition?.ArnEquals?.['aws:PrincipalArn'],
    }));

  it('given ward-promotion-apply, then only the apply functions’ roles may assume it', () => {
    expect(trust(apply)).toEqual(
      (['s101', 's102', 'prod'] as const).map((stage) => ({
        effect: 'Allow',
        action: 'sts:AssumeRole',
        principal: `arn:aws:iam::${pipeline.stageAccounts[stage]}:root`,
        roles: [
          `arn:aws:iam::${pipeline.stageAccounts[stage]}:role/ward-${stage}-promotion-apply-fn`,
        ],
      })),
    );
  });

  it('given ward-promotion-read, then the verify and drift functions’ roles, and no other', () => {
    expect(trust(read).map((t) => t.roles)).toEqual(
      (['s101', 's102', 'prod'] as const).map((stage) => [
        `arn:aws:iam::${pipeline.stageAccounts[stage]}:role/ward-${stage}-promotion-verify-fn`,
        `arn:aws:iam::${pipeline.stageAccounts[stage]}:role/ward-${stage}-promotion-drift-fn`,
      ]),
    );
  });

  it('given ward-break-glass-apply in prod’s account, then only production Ward’s break-glass function', () => {
    expect(trust(breakGlass)).toEqual([
      {
        effect: 'Allow',
        action: 'sts:AssumeRole',
        principal: 'arn:aws:iam::444444444444:root',
        roles: ['arn:aws:iam::444444444444:role/ward-prod-break-glass-fn'],
      },
    ]);
  });

  it('given every fleet role, then sessions last at most an hour', () => {
    for (const stack of stacks)
      for (const role of Object.values(roles(stack))) expect(role.MaxSessionDuration).toBe(3600);
  });

  it('given Ward’s services stack, then the trusted promotion function roles exist there under those names', () => {
    const { services } = wardStacks({ ...configs[2]!, account: '444444444444' });
    const names = Object.values(Template.fromStack(services).findResources('AWS::IAM::Role')).map(
      (r) => (r as { Properties: { RoleName?: string } }).Properties.RoleName,
    );
    for (const name of [
      'ward-prod-promotion-apply-fn',
      'ward-prod-promotion-verify-fn',
      'ward-prod-promotion-drift-fn',
    ])
      expect(names).toContain(name);
  });
});

describe('what each fleet role may do', () => {
  const wafWrites = ['wafv2:UpdateWebACL', 'wafv2:CreateIPSet', 'wafv2:UpdateRegexPatternSet'];

  it('given ward-promotion-apply, then it writes WAF resources named ward- only, and ward-bg- ones are denied', () => {
    for (const action of wafWrites) {
      const resources = allowed(apply, action).map((a) => a.resource);
      expect(resources.length).toBeGreaterThan(0);
      for (const r of resources) expect(r).toMatch(/:(regional|global)\/\w+\/ward-\*\/\*$/);
    }
    const bg = (type: string) => [
      `arn:aws:wafv2:eu-west-2:444444444444:regional/${type}/ward-bg-*/*`,
      `arn:aws:wafv2:us-east-1:444444444444:global/${type}/ward-bg-*/*`,
    ];
    for (const type of ['webacl', 'regexpatternset', 'rulegroup'])
      for (const action of [...wafWrites, 'wafv2:TagResource', 'wafv2:DeleteWebACL'])
        expect(denied(apply, action)).toEqual(expect.arrayContaining(bg(type)));
    // Break glass's IP sets: never changed, deleted or untagged by promotion.
    for (const action of ['wafv2:UpdateIPSet', 'wafv2:DeleteIPSet', 'wafv2:UntagResource'])
      expect(denied(apply, action)).toEqual(expect.arrayContaining(bg('ipset')));
    expect(allowed(apply, 'wafv2:UpdateWebACL').map((a) => a.resource)).toContain(
      'arn:aws:wafv2:us-east-1:444444444444:global/webacl/ward-*/*',
    );
    expect(allowed(apply, 'wafv2:DeleteWebACL')).toEqual([]);
    expect(allowed(apply, 'wafv2:UntagResource')).toEqual([]);
    // Web ACLs refer to the break-glass sets, and IAM authorises Create/UpdateWebACL on them too.
    for (const action of ['wafv2:CreateWebACL', 'wafv2:UpdateWebACL'])
      for (const resource of bg('ipset')) expect(denied(apply, action)).not.toContain(resource);
  });

  it('given ward-promotion-apply, then it may create an endpoint’s ward-bg- IP sets only tagged ward:owner=break-glass and with no other tag', () => {
    const guards = statements(apply).filter(
      (s) =>
        s.Effect === 'Deny' &&
        list(s.Action).includes('wafv2:CreateIPSet') &&
        s.Condition !== undefined,
    );
    expect(guards.map((s) => [list(s.Action), s.Condition])).toEqual([
      [
        ['wafv2:CreateIPSet', 'wafv2:TagResource'],
        { StringNotEquals: { 'aws:RequestTag/ward:owner': 'break-glass' } },
      ],
      [
        ['wafv2:CreateIPSet', 'wafv2:TagResource'],
        { 'ForAnyValue:StringNotEquals': { 'aws:TagKeys': ['ward:owner'] } },
      ],
    ]);
    for (const guard of guards)
      expect(list(guard.Resource).every((r) => r.includes('/ipset/ward-bg-*/*'))).toBe(true);
    expect(allowed(apply, 'wafv2:TagResource')).toEqual(
      ['regional', 'global'].map((arnScope) => ({
        resource: `arn:aws:wafv2:${arnScope === 'global' ? 'us-east-1' : 'eu-west-2'}:444444444444:${arnScope}/ipset/ward-bg-*/*`,
        condition: {
          StringEquals: { 'aws:RequestTag/ward:owner': 'break-glass' },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['ward:owner'] },
        },
      })),
    );
  });

  it('given ward-break-glass-apply, then in WAF it only reads and replaces the addresses of ward-bg- IP sets and writes its ward:bg:* tags on them', () => {
    const waf = statements(breakGlass).filter(
      (s) => s.Effect === 'Allow' && list(s.Resource).some((r) => r.includes(':wafv2:')),
    );
    expect(waf.flatMap((s) => list(s.Action)).sort()).toEqual([
      'wafv2:GetIPSet',
      'wafv2:ListTagsForResource',
      'wafv2:TagResource',
      'wafv2:UntagResource',
      'wafv2:UpdateIPSet',
    ]);
    for (const s of waf)
      expect(list(s.Resource).every((r) => r.includes('/ipset/ward-bg-*/*'))).toBe(true);
    for (const action of ['wafv2:TagResource', 'wafv2:UntagResource'])
      for (const grant of allowed(breakGlass, action))
        expect(grant.condition).toEqual({
          'ForAllValues:StringLike': { 'aws:TagKeys': ['ward:bg:*'] },
        });
    for (const action of ['wafv2:CreateIPSet', 'wafv2:DeleteIPSet', 'wafv2:UpdateWebACL'])
      expect(allowed(breakGlass, action)).toEqual([]);
  });

  it('given ward-promotion-apply, then DNS Firewall is changed only where tagged ward:owner=promotion, and created only so tagged', () => {
    for (const action of [
      'route53resolver:UpdateFirewallDomains',
      'route53resolver:CreateFirewallRule',
      'route53resolver:DeleteFirewallRule',
    ])
      for (const grant of allowed(apply, action))
        expect(grant.condition).toEqual({
          StringEquals: { 'aws:ResourceTag/ward:owner': 'promotion' },
        });
    for (const action of [
      'route53resolver:CreateFirewallDomainList',
      'route53resolver:CreateFirewallRuleGroup',
    ])
      expect(allowed(apply, action)[0]?.condition).toEqual({
        StringEquals: { 'aws:RequestTag/ward:owner': 'promotion' },
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['ward:owner'] },
      });
    expect(allowed(apply, 'route53resolver:TagResource')[0]?.condition).toMatchObject({
      StringEqualsIfExists: { 'aws:ResourceTag/ward:owner': 'promotion' },
    });
    expect(allowed(apply, 'route53resolver:UntagResource')).toEqual([]);
    expect(allowed(apply, 'route53resolver:AssociateFirewallRuleGroup')).toEqual([]);
  });

  it('given ward-promotion-read, then it only reads and lists', () => {
    const actions = statements(read)
      .filter((s) => s.Effect === 'Allow')
      .flatMap((s) => list(s.Action));
    expect(actions.length).toBeGreaterThan(0);
    for (const action of actions) expect(action).toMatch(/:(Get|List)\w+$/);
  });

  it('given ward-break-glass-apply, then it cannot touch promotion’s WAF or DNS Firewall resources', () => {
    const grants = statements(breakGlass).filter((s) => s.Effect === 'Allow');
    for (const grant of grants) {
      for (const resource of list(grant.Resource)) {
        if (resource === '*') {
          // Only listing (names and ids) and the VPC look-up AssociateFirewallRuleGroup needs.
          for (const action of list(grant.Action))
            expect(action).toMatch(/:(List\w+|DescribeVpcs)$/);
        } else if (resource.includes(':wafv2:')) {
          expect(resource).toMatch(/\/ward-bg-\*\/\*$/);
        } else {
          const owner = JSON.stringify(grant.Condition);
          expect(owner).toContain('"break-glass"');
          expect(owner).not.toContain('"promotion"');
        }
      }
    }
    expect(allowed(breakGlass, 'route53resolver:AssociateFirewallRuleGroup')).toEqual([
      {
        resource: 'arn:aws:route53resolver:eu-west-2:444444444444:firewall-rule-group/*',
        condition: { StringEquals: { 'aws:ResourceTag/ward:owner': 'break-glass' } },
      },
      {
        resource:
          'arn:aws:route53resolver:eu-west-2:444444444444:firewall-rule-group-association/*',
        condition: {
          StringEquals: { 'aws:RequestTag/ward:owner': 'break-glass' },
          'ForAllValues:StringEquals': {
            'aws:TagKeys': ['ward:owner', 'ward:expires-at', 'ward:break-glass-stage'],
          },
        },
      },
    ]);
  });

  it('given every call the break-glass DNS Firewall adapter makes, then ward-break-glass-apply allows each, tagged resources only, with its expiry and stage tags on create', () => {
    const ownedList = 'arn:aws:route53resolver:eu-west-2:444444444444:firewall-domain-list/*';
    const ownedGroup = 'arn:aws:route53resolver:eu-west-2:444444444444:firewall-rule-group/*';
    const association =
      'arn:aws:route53resolver:eu-west-2:444444444444:firewall-rule-group-association/*';
    const onBoth = [ownedList, ownedGroup];
    const calls: [string, string[]][] = [
      ['route53resolver:CreateFirewallDomainList', onBoth],
      ['route53resolver:CreateFirewallRuleGroup', onBoth],
      ['route53resolver:TagResource', [ownedList, ownedGroup, association]],
      ['route53resolver:UpdateFirewallDomains', onBoth],
      ['route53resolver:CreateFirewallRule', onBoth],
      ['route53resolver:ListFirewallRules', onBoth],
      ['route53resolver:DeleteFirewallRule', onBoth],
      ['route53resolver:DeleteFirewallRuleGroup', onBoth],
      ['route53resolver:DeleteFirewallDomainList', onBoth],
      ['route53resolver:ListTagsForResource', onBoth],
      ['route53resolver:AssociateFirewallRuleGroup', [ownedGroup, association]],
      ['route53resolver:DisassociateFirewallRuleGroup', [association]],
      ['route53resolver:GetFirewallRuleGroupAssociation', [association]],
      ['route53resolver:ListFirewallDomainLists', ['*']],
      ['route53resolver:ListFirewallRuleGroups', ['*']],
      ['route53resolver:ListFirewallRuleGroupAssociations', ['*']],
      ['ec2:DescribeVpcs', ['*']],
    ];
    for (const [action, resources] of calls)
      expect([action, allowed(breakGlass, action).map((g) => g.resource)]).toEqual([
        action,
        expect.arrayContaining(resources),
      ]);
    const tagKeys = ['ward:owner', 'ward:expires-at', 'ward:break-glass-stage'];
    for (const action of [
      'route53resolver:CreateFirewallDomainList',
      'route53resolver:CreateFirewallRuleGroup',
      'route53resolver:TagResource',
    ])
      expect(allowed(breakGlass, action)[0]?.condition).toMatchObject({
        StringEquals: { 'aws:RequestTag/ward:owner': 'break-glass' },
        'ForAllValues:StringEquals': { 'aws:TagKeys': tagKeys },
      });
  });
});

describe('cdk-nag AwsSolutions on the fleet-access stacks', () => {
  it.each(stacks.map((s) => [s.stackName, s] as const))(
    'finds nothing unacknowledged in %s, and every acknowledgement is on one fleet role',
    (_name, stack) => {
      Template.fromStack(stack);
      const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);
      expect(report.violations.map((v) => v.ruleName)).toEqual([]);
      const acknowledged = stack.node
        .findAll()
        .flatMap((c) =>
          c.node.metadata
            .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
            .flatMap((m) =>
              Object.keys(m.data as object).map((rule) => [
                c.node.path,
                rule.replace(/^Annotation::/, ''),
              ]),
            ),
        );
      expect(acknowledged.length).toBeGreaterThan(0);
      for (const [path, rule] of acknowledged) {
        expect(path).toMatch(
          /^Ward-fleet-\w+\/Roles\/(PromotionApply|PromotionRead|BreakGlassApply)Role$/,
        );
        expect(rule).toMatch(
          /^AwsSolutions-IAM5\[Resource::(\*|arn:aws:(wafv2|route53resolver):.+\*)\]$/,
        );
      }
    },
  );
});
