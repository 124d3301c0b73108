import { Template } from 'aws-cdk-lib/assertions';
import { PROMOTION_ENV, PromotionWorkflowError } from '../../lambdas/contracts/promotion-contracts';
import { allowedActions } from './support/iam';
import { shippedConfig, wardStacks } from './support/ward-app';

const template = Template.fromStack(wardStacks(shippedConfig('s101')).services);

type States = Record<string, Record<string, unknown> & { Next?: string; Type: string }>;
const definition = (): { StartAt: string; States: States } => {
  const [machine] = Object.entries(template.findResources('AWS::StepFunctions::StateMachine'))
    .filter(([id]) => id.startsWith('PromotionWorkflow'))
    .map(([, resource]) => resource) as {
    Properties: { DefinitionString: { 'Fn::Join': [string, unknown[]] } };
  }[];
  const parts = machine?.Properties.DefinitionString['Fn::Join'][1] ?? [];
  return JSON.parse(
    parts.map((p) => (typeof p === 'string' ? p : '"x"').replace(/^"x"$/, 'x')).join(''),
  ) as { StartAt: string; States: States };
};

interface ChoiceRule {
  Next?: string;
  Variable?: string;
  StringEquals?: string;
  IsPresent?: boolean;
  And?: ChoiceRule[];
}

/** Evaluates a Choice rule on the input a happy promotion carries (`from`, `to`, outcomes). */
function holds(rule: ChoiceRule, input: Record<string, string | undefined>): boolean {
  if (rule.And !== undefined) return rule.And.every((r) => holds(r, input));
  const value = input[rule.Variable ?? ''];
  if (rule.IsPresent !== undefined) return (value !== undefined) === rule.IsPresent;
  return value === rule.StringEquals;
}

/** The states a bundle passes when every stage verifies it and the gate approves. */
function happyPath(from?: string, to?: string): string[] {
  const { StartAt, States } = definition();
  const input = {
    '$.from': from,
    '$.to': to,
    '$.lock.status': 'started',
    '$.verified.outcome': 'verified',
    '$.submitted.outcome': 'queued',
  };
  const path: string[] = [];
  let name: string | undefined = StartAt;
  while (name !== undefined && path.length < 100) {
    path.push(name);
    const state: States[string] | undefined = States[name];
    if (state === undefined) throw new Error(`no state ${name}`);
    if (state.Type === 'Choice') {
      const wanted: ChoiceRule | undefined = (state.Choices as ChoiceRule[]).find((c) =>
        holds(c, input),
      );
      name = wanted?.Next ?? (state.Default as string);
    } else name = state.Next;
  }
  return path;
}

describe('the promotion workflow', () => {
  it('given a bundle every stage verifies, then it goes s101, s102, the prod gate, prod, in that order', () => {
    const path = [
      'Which stage first?',
      's101: submit',
      's101: admitted to the lane?',
      's101: take the lock',
      's101: lock taken?',
      's101: apply',
      's101: verify',
      's101: verified?',
      's102: submit',
      's102: admitted to the lane?',
      's102: take the lock',
      's102: lock taken?',
      's102: apply',
      's102: verify',
      's102: verified?',
      'prod: submit',
      'prod: admitted to the lane?',
      'prod: wait at the gate',
      'prod: take the lock',
      'prod: lock taken?',
      'prod: apply',
      'prod: verify',
      'prod: verified?',
      'Promoted to production',
    ];
    expect(happyPath()).toEqual(path);
    // change.applied names the whole way: s101 to prod.
    expect(happyPath('s101', 'prod')).toEqual(path);
  });

  it('given a promotion to one stage (ward promote --to, ward rollback), then it enters at that stage and ends there', () => {
    expect(happyPath('s102', 's102')).toEqual([
      'Which stage first?',
      's102: submit',
      's102: admitted to the lane?',
      's102: take the lock',
      's102: lock taken?',
      's102: apply',
      's102: verify',
      's102: verified?',
      's102: promoted, as far as asked',
    ]);
    expect(happyPath('prod', 'prod')).toEqual([
      'Which stage first?',
      'prod: submit',
      'prod: admitted to the lane?',
      'prod: wait at the gate',
      'prod: take the lock',
      'prod: lock taken?',
      'prod: apply',
      'prod: verify',
      'prod: verified?',
      'Promoted to production',
    ]);
  });

  it('waits at the prod gate with a task token that expires, and ends a rejection in its own state', () => {
    const gate = definition().States['prod: wait at the gate'];
    expect(String(gate?.Resource)).toMatch(/lambda:invoke\.waitForTaskToken$/);
    expect(gate?.TimeoutSeconds).toBe(86_400);
    const catches = (gate?.Catch as { ErrorEquals: string[]; Next: string }[]).map((c) => [
      c.ErrorEquals,
      c.Next,
    ]);
    expect(catches).toEqual([
      [['States.Timeout'], 'prod: gate expired'],
      [[PromotionWorkflowError.rejected], 'prod: rejected at the gate'],
      [['States.ALL'], 'Failed'],
    ]);
  });

  it('releases the stage lock through a recorded failure whenever applying or verifying fails', () => {
    const { States } = definition();
    for (const stage of ['s101', 's102', 'prod']) {
      for (const step of ['apply', 'verify']) {
        expect(States[`${stage}: ${step}`]?.Catch).toEqual([
          {
            ErrorEquals: ['States.ALL'],
            ResultPath: '$.failure',
            Next: `${stage}: record failure`,
          },
        ]);
      }
      expect(States[`${stage}: record failure`]?.Next).toBe(`${stage}: failed`);
    }
  });

  it('is started by every successful change.applied on the audit bus, with the compiled version and the proposer', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['ward.workflow'],
        detail: { action: ['change.applied'], outcome: ['success'] },
      },
    });
    const rules = Object.values(template.findResources('AWS::Events::Rule')) as {
      Properties: { Targets?: { InputTransformer?: { InputPathsMap: Record<string, string> } }[] };
    }[];
    const paths = rules.flatMap((r) =>
      (r.Properties.Targets ?? []).flatMap((t) =>
        Object.values(t.InputTransformer?.InputPathsMap ?? {}),
      ),
    );
    expect(paths).toEqual(
      expect.arrayContaining(['$.detail.details.compiledVersion', '$.detail.details.proposer']),
    );
  });

  it('reads every target back every 15 minutes, with a function that may not write stage records', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
    });
    const policies = Object.entries(template.findResources('AWS::IAM::Policy')).filter(([id]) =>
      id.startsWith('PromotionWorkflowDriftCheckFunctionRole'),
    );
    expect(policies).toHaveLength(1);
    const actions = JSON.stringify(policies[0]?.[1]);
    expect(actions).not.toMatch(/dynamodb:(PutItem|UpdateItem|DeleteItem|BatchWriteItem)/);
    expect(actions).not.toMatch(/s3:PutObject/);
  });

  describe('least privilege toward the fleet stages’ WAF and DNS Firewall', () => {
    const roleOf = (fn: string) => {
      const [id] = Object.keys(template.findResources('AWS::IAM::Role')).filter((r) =>
        r.startsWith(`PromotionWorkflow${fn}Role`),
      );
      if (id === undefined) throw new Error(`no role for ${fn}`);
      return id;
    };
    const envOf = (fn: string): Record<string, unknown> => {
      const [resource] = Object.entries(template.findResources('AWS::Lambda::Function'))
        .filter(([id]) => id.startsWith(`PromotionWorkflow${fn}`))
        .map(
          ([, r]) => r as { Properties: { Environment: { Variables: Record<string, unknown> } } },
        );
      return resource?.Properties.Environment.Variables ?? {};
    };
    // The stacks name their Region, so CDK writes the partition out.
    const roleArn = (account: string, name: string) =>
      JSON.stringify(`arn:aws:iam::${account}:role/${name}`);
    const accounts = ['222222222222', '333333333333', '444444444444'];

    it('lets applying assume only the writing role of each fleet stage, and verifying and drift only the reading one', () => {
      expect(allowedActions(template, roleOf('ApplyFunction')).get('sts:AssumeRole')).toEqual(
        accounts.map((a) => roleArn(a, 'ward-promotion-apply')),
      );
      for (const fn of ['VerifyFunction', 'DriftCheckFunction'])
        expect(allowedActions(template, roleOf(fn)).get('sts:AssumeRole')).toEqual(
          accounts.map((a) => roleArn(a, 'ward-promotion-read')),
        );
    });

    it('gives no other promotion function a role to assume, and none of them WAF or DNS Firewall rights in Ward’s own account', () => {
      for (const fn of [
        'SubmitFunction',
        'HoldAtGateFunction',
        'ExpireAtGateFunction',
        'StartFunction',
        'FailFunction',
      ]) {
        expect(allowedActions(template, roleOf(fn)).has('sts:AssumeRole')).toBe(false);
        expect(envOf(fn)).not.toHaveProperty(PROMOTION_ENV.targets);
      }
      for (const fn of ['ApplyFunction', 'VerifyFunction', 'DriftCheckFunction', 'SubmitFunction'])
        expect(
          [...allowedActions(template, roleOf(fn)).keys()].filter((a) =>
            /^(wafv2|route53resolver):/.test(a),
          ),
        ).toEqual([]);
    });

    it('tells each target-touching function the Region and role of every fleet stage', () => {
      const targets = envOf('ApplyFunction')[PROMOTION_ENV.targets];
      expect(JSON.stringify(targets)).toContain('ward-promotion-apply');
      expect(JSON.stringify(targets)).not.toContain('ward-promotion-read');
      expect(JSON.stringify(envOf('VerifyFunction')[PROMOTION_ENV.targets])).not.toContain(
        'ward-promotion-apply',
      );
    });
  });

  describe('the routes that start promotions and show bundles', () => {
    const roleOf = (fn: string) => {
      const [id] = Object.keys(template.findResources('AWS::IAM::Role')).filter((r) =>
        r.startsWith(`ApprovalApi${fn}Role`),
      );
      if (id === undefined) throw new Error(`no role for ${fn}`);
      return id;
    };
    const machine = Object.keys(template.findResources('AWS::StepFunctions::StateMachine')).find(
      (id) => id.startsWith('PromotionWorkflow'),
    );

    it('lets the promote and rollback routes start the promotion workflow and no other, read bundles and write no stage record', () => {
      for (const fn of ['StartPromotion', 'Rollback']) {
        const allowed = allowedActions(template, roleOf(fn));
        expect(allowed.get('states:StartExecution')).toEqual([JSON.stringify({ Ref: machine })]);
        expect(allowed.get('s3:GetObject')?.join()).toMatch(/bundles\/\*/);
        expect([...allowed.keys()].filter((a) => /PutItem|UpdateItem|DeleteItem/.test(a))).toEqual(
          [],
        );
        expect(allowed.has('s3:PutObject')).toBe(false);
        expect(allowed.has('sts:AssumeRole')).toBe(false);
      }
    });

    it('lets the bundle route only read bundles and list the version pointers', () => {
      const allowed = allowedActions(template, roleOf('ShowBundle'));
      expect([...allowed.keys()].filter((a) => a.startsWith('s3:')).sort()).toEqual([
        's3:GetObject',
        's3:ListBucket',
      ]);
      expect(allowed.has('states:StartExecution')).toBe(false);
      const listing = Object.values(template.findResources('AWS::IAM::Policy'))
        .flatMap(
          (p) =>
            (p as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } })
              .Properties.PolicyDocument.Statement,
        )
        .find((st) => st.Action === 's3:ListBucket' && st.Condition !== undefined);
      expect(listing?.Condition).toEqual({ StringLike: { 's3:prefix': ['bundles/versions/*'] } });
    });
  });
});
