import { createServer } from 'node:net';
import { flattenClaims } from '../../../local/apigateway/jwt-authorizer';
import { RouteTable } from '../../../local/apigateway/routes';
import { JavaMissingError, startDynamoDbLocal } from '../../../local/dynamodb-local';
import { transformInput } from '../../../local/event-buses/input-transformer';
import { reservePort, PortInUseError } from '../../../local/runtime/ports';
import { supportReport } from '../../../local/runtime/support-report';
import { resolveIntrinsics } from '../../../local/template/intrinsics';
import { buildLocalAssembly } from '../../../local/template/local-assembly';

const env = {
  region: 'eu-west-2',
  accountId: '000000000000',
  awsEndpoint: 'http://127.0.0.1:4566',
  apiEndpoint: 'http://127.0.0.1:4310',
};

describe('template resolution', () => {
  const assembly = buildLocalAssembly(
    [
      {
        stackName: 'Data',
        template: {
          Resources: {
            Table: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'registry' } },
          },
          Outputs: {
            TableArn: {
              Value: { 'Fn::GetAtt': ['Table', 'Arn'] },
              Export: { Name: 'Data:TableArn' },
            },
          },
        },
      },
      {
        stackName: 'App',
        template: {
          Resources: {
            Queue: { Type: 'AWS::SQS::Queue' },
            Fn: {
              Type: 'AWS::Lambda::Function',
              Properties: {
                Environment: {
                  Variables: {
                    TABLE_ARN: { 'Fn::ImportValue': 'Data:TableArn' },
                    QUEUE: { Ref: 'Queue' },
                    JOINED: { 'Fn::Join': ['-', ['a', { Ref: 'AWS::Region' }]] },
                    SUBBED: {
                      'Fn::Sub': ['${AWS::AccountId}/${Name}/${Queue.Arn}', { Name: 'x' }],
                    },
                    PICKED: { 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] },
                  },
                },
              },
            },
          },
        },
      },
    ],
    env,
  );

  it('given intrinsics across stacks, then each resolves to its local value', () => {
    const variables = (
      assembly.byLogicalId('App', 'Fn')?.properties.Environment as {
        Variables: Record<string, string>;
      }
    ).Variables;
    expect(variables).toEqual({
      TABLE_ARN: 'arn:aws:dynamodb:eu-west-2:000000000000:table/registry',
      QUEUE: 'http://127.0.0.1:4566/000000000000/App-Queue',
      JOINED: 'a-eu-west-2',
      SUBBED: '000000000000/x/arn:aws:sqs:eu-west-2:000000000000:App-Queue',
      PICKED: 'b',
    });
  });

  it('given an intrinsic the runtime does not know, then it is refused by name', () => {
    expect(() =>
      resolveIntrinsics(
        { 'Fn::Transform': {} },
        {
          region: 'r',
          accountId: 'a',
          stackName: 's',
          resources: new Map(),
          exports: new Map(),
          conditions: {},
        },
      ),
    ).toThrow(/Fn::Transform is not supported/);
  });

  it('given resource types the runtime cannot run, then the report lists them, apart from what needs no emulation', () => {
    const report = supportReport(
      buildLocalAssembly(
        [
          {
            stackName: 'S',
            template: {
              Resources: { Vpc: { Type: 'AWS::EC2::VPC' }, Role: { Type: 'AWS::IAM::Role' } },
            },
          },
        ],
        env,
      ),
      [],
    );
    expect(report.unsupported).toEqual(['S/Vpc: AWS::EC2::VPC is not run locally']);
    expect(report.notEnforced.join('\n')).toMatch(/IAM is not enforced locally/);
  });
});

describe('HTTP API routing and claims', () => {
  const table = new RouteTable(
    [
      'GET /changes',
      'GET /changes/{id}',
      'ANY /changes/{id}',
      'GET /files/{path+}',
      '$default',
    ].map((routeKey) => ({ routeKey, functionArn: routeKey, authorizationScopes: [] })),
  );

  it.each([
    ['GET', '/changes', 'GET /changes', {}],
    ['GET', '/changes/42', 'GET /changes/{id}', { id: '42' }],
    ['POST', '/changes/42', 'ANY /changes/{id}', { id: '42' }],
    ['GET', '/files/a/b.txt', 'GET /files/{path+}', { path: 'a/b.txt' }],
    ['DELETE', '/elsewhere', '$default', {}],
  ])('given %s %s, then route %s with parameters %j', (method, path, routeKey, parameters) => {
    expect(table.match(method, path)).toEqual({
      route: expect.objectContaining({ routeKey }),
      pathParameters: parameters,
    });
  });

  it('given array and number claims, then they reach the function as API Gateway writes them', () => {
    expect(
      flattenClaims({
        sub: 'alice',
        groups: ['eng-finance', 'oncall'],
        exp: 1700000000,
        nested: { a: 1 },
      }),
    ).toEqual({
      sub: 'alice',
      groups: '[eng-finance oncall]',
      exp: '1700000000',
      nested: '{"a":1}',
    });
  });
});

describe('input transformers', () => {
  it('given placeholders in and out of quotes, then strings are quoted only outside quotes', () => {
    const event = { detail: { id: 'c-1', n: 3, who: { name: 'alice' } } };
    expect(
      transformInput(
        {
          InputPathsMap: { id: '$.detail.id', n: '$.detail.n', who: '$.detail.who' },
          InputTemplate:
            '{"id":<id>,"quoted":"change <id>","n":<n>,"who":<who>,"rule":"<aws.events.rule-name>"}',
        },
        event,
        { arn: 'arn:rule', name: 'r' },
      ),
    ).toBe('{"id":"c-1","quoted":"change c-1","n":3,"who":{"name":"alice"},"rule":"r"}');
  });
});

describe('start-up failures are explained', () => {
  it('given a port in use, then the error names the port and what wanted it', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const refusal = reservePort(port, 'HTTP API');
      await expect(refusal).rejects.toBeInstanceOf(PortInUseError);
      await expect(refusal).rejects.toThrow(
        `port ${port} for the HTTP API is in use; stop what holds it or choose another port`,
      );
    } finally {
      blocker.close();
    }
  });

  it('given no java to run, then DynamoDB Local’s error says it needs Java 17', async () => {
    await expect(
      startDynamoDbLocal({ javaCommand: '/nonexistent/java', readyTimeoutMs: 5_000 }),
    ).rejects.toBeInstanceOf(JavaMissingError);
  });
});
