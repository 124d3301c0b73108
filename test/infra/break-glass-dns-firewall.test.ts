import { Template } from 'aws-cdk-lib/assertions';
import {
  BREAK_GLASS_ENV,
  BreakGlassRuntimeConfigSchema,
  breakGlassFunctionRoleName,
} from '../../lambdas/contracts/break-glass';
import { allowedActions } from './support/iam';
import { shippedConfig, wardStacks } from './support/ward-app';

const stageOf = (stage: 's101' | 'prod') => {
  const template = Template.fromStack(wardStacks(shippedConfig(stage)).services);
  const [roleId] = Object.keys(template.findResources('AWS::IAM::Role')).filter((id) =>
    id.startsWith('BreakGlassFunctionRole'),
  );
  const [fnId] = Object.keys(template.findResources('AWS::Lambda::Function')).filter((id) =>
    id.startsWith('BreakGlassFunction'),
  );
  return { template, roleId: roleId!, fnId: fnId! };
};

/** The runtime config as the function reads it, with CloudFormation's pseudo parameters filled in. */
function runtimeConfig(template: Template, fnId: string) {
  const fn = template.findResources('AWS::Lambda::Function')[fnId] as {
    Properties: { Environment: { Variables: Record<string, unknown> } };
  };
  const joined = fn.Properties.Environment.Variables[BREAK_GLASS_ENV.config] as {
    'Fn::Join': [string, unknown[]];
  };
  const flat = joined['Fn::Join'][1]
    .map((part) =>
      typeof part === 'string'
        ? part
        : JSON.stringify(part) === '{"Ref":"AWS::Partition"}'
          ? 'aws'
          : '000000000000',
    )
    .join('');
  return BreakGlassRuntimeConfigSchema.parse(JSON.parse(flat));
}

describe('break glass reaches its fleet stage’s DNS Firewall', () => {
  it.each([
    ['s101', '222222222222'],
    ['prod', '444444444444'],
  ] as const)(
    'given %s, then the function may assume exactly ward-break-glass-apply in fleet account %s, and no other fleet role',
    (stage, account) => {
      const { template, roleId } = stageOf(stage);
      const assumable = allowedActions(template, roleId).get('sts:AssumeRole') ?? [];
      const fleet = assumable.filter((arn) => !arn.includes('EmergencyRole'));
      // The stage's Region is known, so CDK writes the partition out.
      expect(fleet).toEqual([
        JSON.stringify(`arn:aws:iam::${account}:role/ward-break-glass-apply`),
      ]);
      expect(assumable.join()).not.toContain('*');
      expect(assumable.join()).not.toContain('ward-promotion-');
    },
  );

  it('given the stage, then the function’s role carries the fixed name the fleet role trusts', () => {
    const { template, roleId } = stageOf('s101');
    const role = template.findResources('AWS::IAM::Role')[roleId] as {
      Properties: { RoleName?: string };
    };
    expect(role.Properties.RoleName).toBe(breakGlassFunctionRoleName('s101'));
    expect(role.Properties.RoleName).toBe('ward-s101-break-glass-fn');
  });

  it('given the shipped config, then the runtime config names the fleet role, its Region and the workload groups', () => {
    const { template, fnId } = stageOf('s101');
    const config = runtimeConfig(template, fnId);
    expect(config.dnsFirewallTarget).toEqual({
      roleArn: 'arn:aws:iam::222222222222:role/ward-break-glass-apply',
      region: 'eu-west-2',
    });
    expect(config.settings.dnsFirewall).toEqual({
      workloadGroups: {
        'vm-settlement': { vpcIds: ['vpc-0a11c0de5e7713a01', 'vpc-0a11c0de5e7713a02'] },
        'ecs-reporting': { vpcIds: ['vpc-0e5c0de00000f0001'] },
      },
      associationPriority: 101,
    });
  });

  it('given no Route 53 Resolver rights in Ward’s own account, then DNS Firewall is reached only through the fleet role', () => {
    const { template, roleId } = stageOf('s101');
    const actions = [...allowedActions(template, roleId).keys()];
    expect(actions.filter((a) => a.startsWith('route53resolver:'))).toEqual([]);
  });
});
