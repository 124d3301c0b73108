import {
  EventBridgeClient,
  PutEventsCommand,
  TestEventPatternCommand,
  InvalidEventPatternException,
} from '@aws-sdk/client-eventbridge';
import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
} from '@aws-sdk/client-sfn';
import { NotFoundException, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { QueueDoesNotExist, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SignJWT, generateKeyPair } from 'jose';
import {
  FIXTURE_AUDIENCE,
  FIXTURE_ISSUER,
  LocalRuntimeFixtureStack,
} from '../fixtures/local-runtime/fixture-stack';
import { eventually, useLocalRuntime } from '../support/local-runtime';

const handle = useLocalRuntime(
  (app, suffix) =>
    new LocalRuntimeFixtureStack(app, `Edges-${suffix}`, { env: { region: 'eu-west-2' } }),
);

const token = (overrides: Partial<Parameters<typeof handle.runtime.issuer.sign>[0]> = {}) =>
  handle.runtime.issuer.sign({
    principal: 'alice',
    issuer: FIXTURE_ISSUER,
    audience: FIXTURE_AUDIENCE,
    ...overrides,
  });

const call = (path: string, init: { method?: string; token?: string; body?: unknown } = {}) =>
  fetch(`${handle.runtime.apiUrl}${path}`, {
    method: init.method ?? 'POST',
    headers: {
      ...(init.token !== undefined ? { authorization: `Bearer ${init.token}` } : {}),
      'content-type': 'application/json',
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });

describe('the HTTP API checks tokens as API Gateway does', () => {
  it('given no token, then 401 and the function is not called', async () => {
    const before = handle.runtime.functions.get(
      [...handle.runtime.functions.keys()].find((n) => n.includes('CreateOrder')) ?? '',
    )?.invocations;
    const response = await call('/orders', { body: { amount: 1, items: [] } });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ message: 'Unauthorized' });
    expect(
      handle.runtime.functions.get(
        [...handle.runtime.functions.keys()].find((n) => n.includes('CreateOrder')) ?? '',
      )?.invocations,
    ).toBe(before);
  });

  it.each([
    [
      'signed by a key the issuer does not hold (forged)',
      async () => {
        const { privateKey } = await generateKeyPair('RS256');
        return new SignJWT({})
          .setProtectedHeader({ alg: 'RS256', kid: handle.runtime.issuer.publicJwk.kid ?? '' })
          .setSubject('mallory')
          .setIssuer(FIXTURE_ISSUER)
          .setAudience(FIXTURE_AUDIENCE)
          .setExpirationTime('1h')
          .sign(privateKey);
      },
    ],
    ['expired', () => token({ expiresInSeconds: -60 })],
    ['for another audience', () => token({ audience: 'some-other-api' })],
    ['from another issuer', () => token({ issuer: 'https://evil.example/' })],
    ['not a JWT at all', () => Promise.resolve('not-a-token')],
  ])('given a token %s, then 401', async (_what, make) => {
    const response = await call('/orders', { token: await make(), body: { amount: 1, items: [] } });
    expect(response.status).toBe(401);
    expect(handle.runtime.apiRequests.at(-1)?.reason).toBeTruthy();
  });

  it('given a route the API does not have, then 404', async () => {
    expect((await call('/nowhere', { token: await token() })).status).toBe(404);
  });
});

describe('functions run isolated, and a failing one never takes the runtime down', () => {
  it('given a handler that exits its process, then 500, and the next request is served', async () => {
    expect((await call('/crash', { token: await token(), body: { mode: 'exit' } })).status).toBe(
      500,
    );
    const after = await call('/crash', { token: await token(), body: { mode: 'env' } });
    expect(after.status).toBe(200);
    // Its environment is the template's, not the runtime's.
    expect(await after.json()).toEqual({ fixtureValue: 'from-the-template' });
  });

  it('given a handler that throws, then 500 with the reason recorded', async () => {
    expect((await call('/crash', { token: await token(), body: { mode: 'throw' } })).status).toBe(
      500,
    );
    expect(handle.runtime.apiRequests.at(-1)?.reason).toMatch(/^RangeError: thrown on purpose/);
  });

  it('given a handler that hangs, then it is stopped at its timeout (2 s) and answers 500', async () => {
    const started = Date.now();
    expect((await call('/crash', { token: await token(), body: { mode: 'hang' } })).status).toBe(
      500,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    expect(handle.runtime.apiRequests.at(-1)?.reason).toMatch(
      /^Sandbox.Timedout: Task timed out after 2.00 seconds/,
    );
  });

  it('given concurrent invocations, then each gets its own answer', async () => {
    const responses = await Promise.all(
      Array.from({ length: 6 }, async () =>
        (await call('/crash', { token: await token(), body: { mode: 'env' } })).json(),
      ),
    );
    expect(responses).toEqual(
      Array.from({ length: 6 }, () => ({ fixtureValue: 'from-the-template' })),
    );
  });
});

describe('the local AWS endpoint answers the SDK as AWS would', () => {
  const arn = (service: string, resource: string) =>
    `arn:aws:${service}:eu-west-2:000000000000:${resource}`;

  it('given unknown resources, then the SDK raises the service’s own exceptions', async () => {
    const sfn = new SFNClient(handle.clientConfig);
    await expect(
      sfn.send(new StartExecutionCommand({ stateMachineArn: arn('states', 'stateMachine:nope') })),
    ).rejects.toBeInstanceOf(StateMachineDoesNotExist);
    await expect(
      sfn.send(new DescribeExecutionCommand({ executionArn: arn('states', 'execution:nope:x') })),
    ).rejects.toBeInstanceOf(ExecutionDoesNotExist);
    await expect(
      new SNSClient(handle.clientConfig).send(
        new PublishCommand({ TopicArn: arn('sns', 'nope'), Message: 'x' }),
      ),
    ).rejects.toBeInstanceOf(NotFoundException);
    await expect(
      new SQSClient(handle.clientConfig).send(
        new SendMessageCommand({
          QueueUrl: `${handle.runtime.awsEndpoint}/000000000000/nope`,
          MessageBody: 'x',
        }),
      ),
    ).rejects.toBeInstanceOf(QueueDoesNotExist);
  });

  it('given a malformed event among good ones, then PutEvents fails that entry only', async () => {
    const events = new EventBridgeClient(handle.clientConfig);
    const result = await events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: 'fixture-bus',
            Source: 'fixture.test',
            DetailType: 'Probe',
            Detail: '{"ok":true}',
          },
          {
            EventBusName: 'fixture-bus',
            Source: 'fixture.test',
            DetailType: 'Probe',
            Detail: 'not json',
          },
          {
            EventBusName: 'no-such-bus',
            Source: 'fixture.test',
            DetailType: 'Probe',
            Detail: '{}',
          },
        ],
      }),
    );
    expect(result.FailedEntryCount).toBe(2);
    expect(result.Entries?.map((e) => e.ErrorCode ?? 'ok')).toEqual([
      'ok',
      'MalformedDetail',
      'ResourceNotFoundException',
    ]);
  });

  it('given TestEventPattern, then it answers with the runtime’s matcher, and refuses a bad pattern', async () => {
    const events = new EventBridgeClient(handle.clientConfig);
    const event = JSON.stringify({
      id: '1',
      account: '000000000000',
      source: 'ward.test',
      time: '2026-11-25T00:00:00Z',
      region: 'eu-west-2',
      resources: [],
      'detail-type': 'x',
      detail: { n: 5 },
    });
    expect(
      (
        await events.send(
          new TestEventPatternCommand({
            EventPattern: '{"detail":{"n":[{"numeric":[">",3]}]}}',
            Event: event,
          }),
        )
      ).Result,
    ).toBe(true);
    expect(
      (
        await events.send(
          new TestEventPatternCommand({
            EventPattern: '{"detail":{"n":[{"numeric":[">",9]}]}}',
            Event: event,
          }),
        )
      ).Result,
    ).toBe(false);
    await expect(
      events.send(
        new TestEventPatternCommand({
          EventPattern: '{"detail":{"n":[{"numeric":[">>",9]}]}}',
          Event: event,
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidEventPatternException);
  });

  it('given an SNS Publish from the SDK, then the message is kept for people to read', async () => {
    const topic = handle.runtime.topics.configs()[0];
    const { MessageId } = await new SNSClient(handle.clientConfig).send(
      new PublishCommand({
        TopicArn: topic?.arn,
        Message: 'page: break glass used',
        Subject: 'PAGE',
      }),
    );
    expect(handle.runtime.topics.messages().find((m) => m.messageId === MessageId)).toMatchObject({
      subject: 'PAGE',
      message: 'page: break glass used',
    });
  });

  it('given a request body that is not JSON, then a SerializationException', async () => {
    const response = await fetch(handle.runtime.awsEndpoint, {
      method: 'POST',
      headers: {
        'x-amz-target': 'AWSStepFunctions.StartExecution',
        'content-type': 'application/x-amz-json-1.0',
      },
      body: '{not json',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'SerializationException' });
  });

  it('given the runtime, then it reports what it does not enforce', () => {
    expect(handle.runtime.report.notEnforced.join('\n')).toMatch(/IAM is not enforced locally/);
    expect(handle.runtime.report.running['AWS::Lambda::Function']).toBe(7);
  });

  it('given a disabled rule, then it routes nothing until enabled again, and an unknown rule is refused', async () => {
    const buses = handle.runtime.buses;
    const rule = buses.ruleStates().find((r) => r.name.includes('OnOrderPriced'));
    expect(rule?.enabled).toBe(true);
    const priced = (id: string) =>
      buses.putEvents([
        {
          EventBusName: 'fixture-bus',
          Source: 'fixture.test',
          DetailType: 'OrderPriced',
          Detail: JSON.stringify({ id, total: 1 }),
        },
      ]);
    const deliveriesOf = (id: string) =>
      buses
        .events()
        .filter((e) => (e.event.detail as { id?: string }).id === id)
        .flatMap((e) => e.deliveries.map((d) => d.rule));

    buses.setRuleEnabled(rule?.name ?? '', false);
    priced('while-disabled');
    buses.setRuleEnabled(rule?.name ?? '', true);
    priced('once-enabled');

    // Once the later event has been delivered, the earlier one would have been too.
    await eventually(
      () => (deliveriesOf('once-enabled').length > 0 ? true : undefined),
      10_000,
      'the delivery of the event sent once the rule was enabled',
    );
    expect(deliveriesOf('while-disabled')).toEqual([]);
    expect(() => buses.setRuleEnabled('no-such-rule', false)).toThrow(
      'Rule no-such-rule does not exist.',
    );
  });
});
