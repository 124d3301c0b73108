import {
  GetParameterCommand,
  GetParametersByPathCommand,
  ParameterAlreadyExists,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import {
  LambdaRequestAuthorizer,
  type AuthorizationRequest,
} from '../../../local/apigateway/lambda-authorizer';
import { handleJson } from '../../../local/aws-endpoint/json-protocol';
import { LocalAwsEndpoint } from '../../../local/aws-endpoint/local-aws-endpoint';
import { LocalMetrics } from '../../../local/cloudwatch/emf-metrics';
import { invokeAsynchronously } from '../../../local/lambda/async-invocations';
import type { InvokeOutcome } from '../../../local/lambda/local-function';
import { LocalParameters, ssmOperations } from '../../../local/ssm/local-parameters';

const request = (headers: Record<string, string> = {}): AuthorizationRequest => ({
  method: 'POST',
  path: '/k8s-audit',
  rawQueryString: '',
  routeKey: 'POST /k8s-audit',
  headers,
  query: new URLSearchParams(),
  pathParameters: {},
  requestId: 'r1',
  sourceIp: '198.51.100.7',
  time: new Date('2026-11-25T09:00:00Z'),
  requiredScopes: [],
});
const ok = (result: unknown): InvokeOutcome => ({ ok: true, result });

describe('the Lambda REQUEST authorizer of local HTTP APIs', () => {
  const authorizer = (answer: () => InvokeOutcome, ttl = 0, simple = true) => {
    const events: Record<string, unknown>[] = [];
    let now = 0;
    const instance = new LambdaRequestAuthorizer(
      {
        functionArn: 'arn:aws:lambda:eu-west-2:000000000000:function:auth',
        identitySource: ['$request.header.Authorization'],
        simpleResponses: simple,
        resultTtlSeconds: ttl,
        region: 'eu-west-2',
        accountId: '000000000000',
        apiId: 'api1',
      },
      (_, event) => {
        events.push(event as Record<string, unknown>);
        return Promise.resolve(answer());
      },
      () => now,
    );
    return { instance, events, advance: (ms: number) => (now += ms) };
  };

  it('given no identity source, then 401 without calling the function', async () => {
    const { instance, events } = authorizer(() => ok({ isAuthorized: true }));
    expect(await instance.authorize(request())).toMatchObject({ ok: false, status: 401 });
    expect(events).toEqual([]);
  });

  it('given a simple answer, then allowed with its context under lambda, or 403; the function gets the 2.0 event', async () => {
    const allow = authorizer(() => ok({ isAuthorized: true, context: { cluster: 'bank-s101' } }));
    expect(await allow.instance.authorize(request({ authorization: 'Bearer t' }))).toEqual({
      ok: true,
      context: { lambda: { cluster: 'bank-s101' } },
    });
    expect(allow.events[0]).toMatchObject({
      version: '2.0',
      type: 'REQUEST',
      routeArn: 'arn:aws:execute-api:eu-west-2:000000000000:api1/$default/POST/k8s-audit',
      identitySource: ['Bearer t'],
      routeKey: 'POST /k8s-audit',
      headers: { authorization: 'Bearer t' },
      requestContext: { http: { method: 'POST', sourceIp: '198.51.100.7' } },
    });
    const deny = authorizer(() => ok({ isAuthorized: false }));
    expect(await deny.instance.authorize(request({ authorization: 'Bearer t' }))).toMatchObject({
      ok: false,
      status: 403,
    });
  });

  it('given a failing function or an answer without a boolean isAuthorized, then 500', async () => {
    const failing = authorizer(() => ({
      ok: false,
      error: { errorType: 'Error', errorMessage: 'SSM throttled', trace: [] },
    }));
    expect(await failing.instance.authorize(request({ authorization: 'x' }))).toMatchObject({
      status: 500,
    });
    const odd = authorizer(() => ok({ isAuthorized: 'yes' }));
    expect(await odd.instance.authorize(request({ authorization: 'x' }))).toMatchObject({
      status: 500,
    });
  });

  it('given a TTL, then answers are cached by the identity source until it runs out', async () => {
    const cached = authorizer(() => ok({ isAuthorized: true }), 60);
    await cached.instance.authorize(request({ authorization: 'a' }));
    await cached.instance.authorize(request({ authorization: 'a' }));
    await cached.instance.authorize(request({ authorization: 'b' }));
    expect(cached.events).toHaveLength(2);
    cached.advance(60_000);
    await cached.instance.authorize(request({ authorization: 'a' }));
    expect(cached.events).toHaveLength(3);
  });

  it('given IAM policy answers, then allowed only when a statement allows the route and none denies it', async () => {
    const policy = (effect: string, resource: string) =>
      ok({
        principalId: 'cluster',
        policyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: 'execute-api:Invoke', Effect: effect, Resource: resource }],
        },
      });
    const route = 'arn:aws:execute-api:eu-west-2:000000000000:api1/$default/POST/k8s-audit';
    const allowed = authorizer(
      () => policy('Allow', 'arn:aws:execute-api:eu-west-2:000000000000:api1/*'),
      0,
      false,
    );
    expect(await allowed.instance.authorize(request({ authorization: 'a' }))).toMatchObject({
      ok: true,
      principal: 'cluster',
    });
    const denied = authorizer(() => policy('Deny', route), 0, false);
    expect(await denied.instance.authorize(request({ authorization: 'a' }))).toMatchObject({
      status: 403,
    });
    const elsewhere = authorizer(() => policy('Allow', `${route}-other`), 0, false);
    expect(await elsewhere.instance.authorize(request({ authorization: 'a' }))).toMatchObject({
      status: 403,
    });
  });
});

describe('Parameter Store on the local AWS endpoint, through the real SDK client', () => {
  let endpoint: LocalAwsEndpoint;
  let client: SSMClient;
  beforeAll(async () => {
    const parameters = new LocalParameters({ region: 'eu-west-2', accountId: '000000000000' });
    endpoint = new LocalAwsEndpoint(
      { ssm: (r) => handleJson(r, '1.1', ssmOperations(parameters)) },
      () => Promise.resolve(false),
    );
    const url = await endpoint.listen(0);
    client = new SSMClient({
      endpoint: url,
      region: 'eu-west-2',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });
  afterAll(async () => {
    client.destroy();
    await endpoint.close();
  });

  it('stores, reads, versions and lists parameters, and answers Parameter Store’s errors', async () => {
    const name = '/ward/s101/k8s-audit/bank-s101/token-sha256';
    await expect(client.send(new GetParameterCommand({ Name: name }))).rejects.toBeInstanceOf(
      ParameterNotFound,
    );
    expect(
      await client.send(
        new PutParameterCommand({ Name: name, Value: 'a'.repeat(64), Type: 'String' }),
      ),
    ).toMatchObject({
      Version: 1,
    });
    await expect(
      client.send(new PutParameterCommand({ Name: name, Value: 'b', Type: 'String' })),
    ).rejects.toBeInstanceOf(ParameterAlreadyExists);
    expect(
      await client.send(
        new PutParameterCommand({ Name: name, Value: 'b'.repeat(64), Overwrite: true }),
      ),
    ).toMatchObject({ Version: 2 });
    expect((await client.send(new GetParameterCommand({ Name: name }))).Parameter).toMatchObject({
      Name: name,
      Type: 'String',
      Value: 'b'.repeat(64),
      Version: 2,
      ARN: `arn:aws:ssm:eu-west-2:000000000000:parameter${name}`,
    });
    await expect(
      client.send(
        new PutParameterCommand({ Name: name, Value: 'c', Type: 'SecureString', Overwrite: true }),
      ),
    ).rejects.toThrow('Type cannot be changed');
    await expect(
      client.send(new PutParameterCommand({ Name: 'ward/no-slash', Value: 'x', Type: 'String' })),
    ).rejects.toThrow('fully qualified');
    await expect(
      client.send(new PutParameterCommand({ Name: '/aws/reserved', Value: 'x', Type: 'String' })),
    ).rejects.toThrow('reserved');
    const listed = await client.send(
      new GetParametersByPathCommand({ Path: '/ward/s101/k8s-audit', Recursive: true }),
    );
    expect(listed.Parameters?.map((p) => p.Name)).toEqual([name]);
    const shallow = await client.send(
      new GetParametersByPathCommand({ Path: '/ward/s101/k8s-audit' }),
    );
    expect(shallow.Parameters).toEqual([]);
  });
});

describe('metrics from functions’ embedded-metric-format lines', () => {
  it('given Powertools’ output, then the data CloudWatch would extract, summed by exact dimensions', () => {
    const lines: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((text) => {
      lines.push(...String(text).split('\n').filter(Boolean));
      return true;
    });
    try {
      const metrics = new Metrics({ namespace: 'Ward/Audit', serviceName: 'svc' });
      metrics.clearDefaultDimensions();
      for (const [source, count] of [
        ['cloudtrail', 2],
        ['cloudtrail', 3],
        ['k8s/bank-s101', 1],
      ] as const) {
        const single = metrics.singleMetric();
        single.clearDefaultDimensions();
        single.addDimension('Source', source);
        single.addMetric('EventsIn', MetricUnit.Count, count);
      }
    } finally {
      spy.mockRestore();
    }
    const local = new LocalMetrics();
    for (const line of [...lines, 'not json', '{"message":"a log line"}']) local.record('fn', line);
    expect(local.sum('Ward/Audit', 'EventsIn', { Source: 'cloudtrail' })).toBe(5);
    expect(local.sum('Ward/Audit', 'EventsIn', { Source: 'k8s/bank-s101' })).toBe(1);
    expect(local.sum('Ward/Audit', 'EventsIn')).toBe(0);
    expect(local.all()).toHaveLength(3);
  });

  it('given several dimension sets and array values, then a datum per set and value', () => {
    const local = new LocalMetrics();
    local.record(
      'fn',
      JSON.stringify({
        _aws: {
          Timestamp: 1,
          CloudWatchMetrics: [
            {
              Namespace: 'N',
              Dimensions: [['A'], ['A', 'B']],
              Metrics: [{ Name: 'M', Unit: 'Count' }],
            },
          ],
        },
        A: 'a',
        B: 'b',
        M: [1, 2],
      }),
    );
    expect(local.sum('N', 'M', { A: 'a' })).toBe(3);
    expect(local.sum('N', 'M', { A: 'a', B: 'b' })).toBe(3);
  });
});

describe('asynchronous invocations', () => {
  const fails = (): Promise<InvokeOutcome> =>
    Promise.resolve({
      ok: false,
      error: { errorType: 'Error', errorMessage: 'bus down', trace: [] },
    });

  it('given a function that keeps failing, then it is retried, and its on-failure queue gets Lambda’s record with the event', async () => {
    let calls = 0;
    const sent: { arn: string; body: string }[] = [];
    const outcome = await invokeAsynchronously(
      {
        functionArn: 'arn:aws:lambda:eu-west-2:000000000000:function:f',
        maximumRetryAttempts: 2,
        onFailureArn: 'arn:aws:sqs:eu-west-2:000000000000:dlq',
      },
      'arn:aws:lambda:eu-west-2:000000000000:function:f',
      { detail: 'x' },
      {
        invoke: () => ((calls += 1), fails()),
        sendToQueue: (arn, body) => sent.push({ arn, body }),
      },
    );
    expect(outcome.ok).toBe(false);
    expect(calls).toBe(3);
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0]!.body)).toMatchObject({
      requestContext: { condition: 'RetriesExhausted', approximateInvokeCount: 3 },
      requestPayload: { detail: 'x' },
      responseContext: { functionError: 'Unhandled' },
      responsePayload: { errorMessage: 'bus down' },
    });
  });

  it('given no configuration, then Lambda’s default of two retries, and nothing sent', async () => {
    let calls = 0;
    await invokeAsynchronously(
      undefined,
      'f',
      {},
      {
        invoke: () => ((calls += 1), fails()),
        sendToQueue: () => {
          throw new Error('no destination');
        },
      },
    );
    expect(calls).toBe(3);
  });

  it('given a function that cannot be invoked at all (the runtime stopping), then no retry and no throw', async () => {
    let calls = 0;
    const outcome = await invokeAsynchronously(
      undefined,
      'f',
      {},
      {
        invoke: () => {
          calls += 1;
          return Promise.reject(new Error('function f is stopped'));
        },
        sendToQueue: () => undefined,
      },
    );
    expect(calls).toBe(1);
    expect(outcome).toMatchObject({ ok: false, error: { errorType: 'Runtime.Unavailable' } });
  });
});
