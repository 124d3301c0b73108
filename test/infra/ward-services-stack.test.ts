import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { APPROVAL_ENV, WorkflowError } from '../../lambdas/contracts/approval-contracts';
import { FUNCTION_ENTRY_METADATA } from '../../lambdas/contracts/function-metadata';
import { shippedConfig, wardStacks } from './support/ward-app';

const config = shippedConfig('s101');
const template = Template.fromStack(wardStacks(config).services);

type Statement = {
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
};

/** The IAM statements of the role of the function whose logical id starts with `prefix`. */
function statementsOf(prefix: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.entries(policies)
    .filter(
      ([id]) =>
        id.startsWith(`ApprovalApi${prefix}Role`) || id.startsWith(`ApprovalWorkflow${prefix}Role`),
    )
    .flatMap(
      ([, policy]) =>
        (policy as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties
          .PolicyDocument.Statement,
    );
}
const actionsOf = (statements: Statement[]) => statements.flatMap((s) => [s.Action].flat());

describe('the approval API', () => {
  it('given the stage config, then its JWT authorizer trusts exactly that issuer and audience', () => {
    const jwt = Object.values(template.findResources('AWS::ApiGatewayV2::Authorizer')).filter(
      (a) => (a as { Properties: { AuthorizerType: string } }).Properties.AuthorizerType === 'JWT',
    );
    expect(jwt).toHaveLength(1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: { Issuer: config.identity.issuer, Audience: [config.identity.audience] },
    });
  });

  it('has exactly the routes of the API, every one behind the authorizer', () => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'))
      .map(
        (r) =>
          (r as { Properties: { RouteKey: string; AuthorizationType: string; ApiId: unknown } })
            .Properties,
      )
      .filter((r) => JSON.stringify(r.ApiId).includes('ApprovalApi'));
    expect(routes.map((r) => r.RouteKey).sort()).toEqual(
      [
        'GET /bundles/{version}',
        'GET /changes',
        'GET /changes/{id}',
        'GET /services/{name}',
        'GET /whoami',
        'GET /pipeline',
        'POST /promotions',
        'POST /promotions/{id}/approve',
        'POST /promotions/{id}/reject',
        'POST /changes',
        'POST /changes/{id}/approve',
        'POST /changes/{id}/reject',
        'POST /changes/{id}/withdraw',
        'POST /rollbacks',
      ].sort(),
    );
    expect(new Set(routes.map((r) => r.AuthorizationType))).toEqual(new Set(['JWT']));
  });

  it('throttles and writes JSON access logs with the caller’s identity', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: {
        DestinationArn: Match.anyValue(),
        Format: Match.stringLikeRegexp('"principal":"\\$context.authorizer.claims.sub"'),
      },
    });
  });
});

describe('the functions', () => {
  it('run on Node.js 24 on ARM with tracing, and name a source entry that exists', () => {
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as {
      Properties: { Runtime: string; Architectures: string[]; TracingConfig: { Mode: string } };
      Metadata: Record<string, string>;
    }[];
    // 28 for approvals, promotion and detections; the audit archive's batcher, digest writer
    // and verifier; five for audit sources; one for break glass.
    expect(functions).toHaveLength(37);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
      });
      expect(existsSync(join(__dirname, '../..', fn.Metadata[FUNCTION_ENTRY_METADATA] ?? ''))).toBe(
        true,
      );
    }
  });

  it('get the stage’s approval settings as JSON', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          [APPROVAL_ENV.approvalConfig]: JSON.stringify(config.approvals),
        }),
      },
    });
  });
});

describe('least privilege', () => {
  it('given any function, then no statement allows every action of a service', () => {
    const all = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p) =>
        (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties
          .PolicyDocument.Statement,
    );
    expect(actionsOf(all).filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
  });

  it('given the propose function, then it writes only change and idempotency partitions and starts the workflow', () => {
    const statements = statementsOf('ProposeChange');
    const writes = statements.filter((s) => actionsOf([s]).includes('dynamodb:PutItem'));
    expect(writes).toHaveLength(1);
    expect(writes[0]?.Condition).toEqual({
      'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CHANGE#*', 'IDEMPOTENCY#*'] },
    });
    expect(actionsOf(statements)).toContain('states:StartExecution');
    expect(actionsOf(statements)).not.toContain('states:SendTaskSuccess');
  });

  it('given the approve function, then it may release the workflow and write change partitions only', () => {
    const statements = statementsOf('ApproveChange');
    expect(actionsOf(statements)).toEqual(
      expect.arrayContaining([
        'states:SendTaskSuccess',
        'states:SendTaskFailure',
        'events:PutEvents',
      ]),
    );
    expect(
      statements.find((s) => actionsOf([s]).includes('dynamodb:UpdateItem'))?.Condition,
    ).toEqual({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['CHANGE#*'] } });
    expect(actionsOf(statements)).not.toContain('states:StartExecution');
  });

  it.each(['ListChanges', 'GetChange', 'GetService', 'WhoAmI'])(
    'given the read-only %s function, then it writes nothing',
    (name) => {
      const actions = actionsOf(statementsOf(name));
      expect(actions).toContain('dynamodb:Query');
      // Tracing and logging write telemetry, not data.
      const dataActions = actions.filter((a) => !a.startsWith('xray:') && !a.startsWith('logs:'));
      expect(
        dataActions.filter((a) => /Put|Update|Delete|Write|StartExecution|SendTask/.test(a)),
      ).toEqual([]);
    },
  );

  it('given the apply step, then it alone may write the registry’s partitions', () => {
    const condition = statementsOf('ApplyFunction').find((s) =>
      actionsOf([s]).includes('dynamodb:PutItem'),
    )?.Condition;
    expect(condition?.['ForAllValues:StringLike']?.['dynamodb:LeadingKeys']).toEqual([
      'CHANGE#*',
      'SVC#*',
      'TEAM#*',
      'RULESET*',
      'TXLOG#*',
    ]);
  });
});

describe('the approval workflow', () => {
  const definition = (): { States: Record<string, Record<string, unknown>> } => {
    const [machine] = Object.entries(template.findResources('AWS::StepFunctions::StateMachine'))
      .filter(([id]) => id.startsWith('ApprovalWorkflow'))
      .map(([, resource]) => resource) as {
      Properties: { DefinitionString: { 'Fn::Join': [string, unknown[]] } };
    }[];
    const parts = machine?.Properties.DefinitionString['Fn::Join'][1] ?? [];
    return JSON.parse(
      parts.map((p) => (typeof p === 'string' ? p : '"x"').replace(/^"x"$/, 'x')).join(''),
    ) as { States: Record<string, Record<string, unknown>> };
  };

  it('waits for approvals with a task token that times out when the change expires', () => {
    const wait = definition().States['Wait for approvals'];
    expect(String(wait?.Resource)).toMatch(/lambda:invoke\.waitForTaskToken$/);
    expect(wait).toMatchObject({ TimeoutSecondsPath: '$.expiresInSeconds' });
    expect(
      (wait?.Catch as { ErrorEquals: string[]; Next: string }[]).map((c) => [
        c.ErrorEquals,
        c.Next,
      ]),
    ).toEqual([
      [['States.Timeout'], 'Expire'],
      [[WorkflowError.rejected], 'Rejected'],
      [[WorkflowError.withdrawn], 'Withdrawn'],
      [['States.ALL'], 'Failed'],
    ]);
  });

  it('retries and catches on every task, and ends each outcome in its own state', () => {
    const states = definition().States;
    for (const [name, state] of Object.entries(states).filter(([, s]) => s.Type === 'Task')) {
      expect({
        name,
        retry: Array.isArray(state.Retry),
        catch: Array.isArray(state.Catch),
      }).toEqual({ name, retry: true, catch: true });
    }
    expect(
      Object.entries(states)
        .filter(([, s]) => s.Type === 'Succeed' || s.Type === 'Fail')
        .map(([n]) => n)
        .sort(),
    ).toEqual(['Applied', 'Conflict', 'Expired', 'Failed', 'Rejected', 'Withdrawn']);
  });

  it('logs every event and is traced', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: true }),
    });
  });
});

describe('function timeouts', () => {
  it('gives the proposal route, which reads the whole rule set, the 29 s an HTTP API waits; the others the default 10 s', () => {
    const functions = Object.entries(template.findResources('AWS::Lambda::Function')) as [
      string,
      { Properties: { Timeout: number } },
    ][];
    const timeoutOf = (prefix: string) =>
      functions.find(([id]) => id.startsWith(prefix))?.[1].Properties.Timeout;
    expect(timeoutOf('ApprovalApiProposeChange')).toBe(29);
    expect(timeoutOf('ApprovalApiApproveChange')).toBe(10);
  });
});
