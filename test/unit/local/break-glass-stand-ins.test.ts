import {
  InvokeCommand,
  LambdaClient,
  ResourceNotFoundException as LambdaNotFound,
} from '@aws-sdk/client-lambda';
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  ValidationException,
  type CreateScheduleCommandInput,
} from '@aws-sdk/client-scheduler';
import {
  AssumeRoleCommand,
  GetCallerIdentityCommand,
  STSClient,
  STSServiceException,
} from '@aws-sdk/client-sts';
import { handleLambda } from '../../../local/aws-endpoint/lambda-rest-json-protocol';
import { LocalAwsEndpoint } from '../../../local/aws-endpoint/local-aws-endpoint';
import { handleScheduler } from '../../../local/aws-endpoint/scheduler-rest-json-protocol';
import { handleStsQuery } from '../../../local/aws-endpoint/sts-query-protocol';
import { LocalScheduler } from '../../../local/scheduler/local-scheduler';
import { LocalSts } from '../../../local/sts/local-sts';

const ROLE = 'arn:aws:iam::000000000000:role/ward-emergency-ssm-admin-s101';
const FUNCTION = 'arn:aws:lambda:eu-west-2:000000000000:function:ward-break-glass-s101';
const invocations: { arn: string; input: unknown; at: number }[] = [];
const sts = new LocalSts([{ arn: ROLE, maxSessionSeconds: 3600 }]);
const scheduler = new LocalScheduler(
  ['ward-break-glass-s101'],
  async (arn, input) => {
    invocations.push({ arn, input, at: Date.now() });
    if (arn.endsWith(':broken')) throw new Error('boom');
    return Promise.resolve();
  },
  { region: 'eu-west-2', accountId: '000000000000' },
);
let endpoint: LocalAwsEndpoint;
let url = '';
beforeAll(async () => {
  endpoint = new LocalAwsEndpoint(
    {
      sts: (r) => handleStsQuery(r, sts),
      scheduler: (r) => handleScheduler(r, scheduler),
      lambda: (r) =>
        handleLambda(r, (name, payload) =>
          Promise.resolve(
            name === 'echo'
              ? { ok: true as const, result: { echoed: payload } }
              : name === 'fails'
                ? {
                    ok: false as const,
                    error: { errorType: 'Error', errorMessage: 'it broke', trace: [] },
                  }
                : {
                    ok: false as const,
                    error: {
                      errorType: 'ResourceNotFoundException',
                      errorMessage: `Function not found: ${name}`,
                      trace: [],
                    },
                  },
          ),
        ),
    },
    () => Promise.resolve(false),
  );
  url = await endpoint.listen(0);
});
afterAll(async () => {
  scheduler.stop();
  await endpoint.close();
});
const config = (accessKeyId = 'local') => ({
  endpoint: url,
  region: 'eu-west-2',
  maxAttempts: 1,
  credentials: { accessKeyId, secretAccessKey: 'x' },
});
const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata?: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail');
};

describe('local STS stand-in, through the real STS client', () => {
  let client: STSClient;
  beforeAll(() => {
    client = new STSClient(config());
  });
  const assume = (input: Partial<ConstructorParameters<typeof AssumeRoleCommand>[0]> = {}) =>
    client.send(
      new AssumeRoleCommand({
        RoleArn: ROLE,
        RoleSessionName: 'alice@bank.example',
        DurationSeconds: 900,
        ...input,
      }),
    );

  it('given a configured role, then expiring session credentials whose key GetCallerIdentity knows', async () => {
    const before = Date.now();
    const out = await assume({
      SourceIdentity: 'alice@bank.example',
      Policy: JSON.stringify({ Version: '2012-10-17', Statement: [] }),
    });
    expect(out.Credentials?.AccessKeyId).toMatch(/^ASIA000000000000WARD[0-9A-F]{12}$/);
    expect(out.Credentials?.Expiration?.getTime()).toBeGreaterThanOrEqual(before + 899_000);
    expect(out.AssumedRoleUser?.Arn).toBe(
      'arn:aws:sts::000000000000:assumed-role/ward-emergency-ssm-admin-s101/alice@bank.example',
    );
    expect(out.SourceIdentity).toBe('alice@bank.example');
    expect(out.PackedPolicySize).toBeGreaterThan(0);
    const who = await new STSClient(config(out.Credentials?.AccessKeyId)).send(
      new GetCallerIdentityCommand({}),
    );
    expect(who.Arn).toBe(out.AssumedRoleUser?.Arn);
  });

  it('given a role outside the configured set, then AccessDenied (403)', async () => {
    const error = await failure(assume({ RoleArn: 'arn:aws:iam::000000000000:role/admin' }));
    expect(error).toBeInstanceOf(STSServiceException);
    expect(error.name).toBe('AccessDenied');
    expect(error.message).toContain(
      'is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::000000000000:role/admin',
    );
    expect(error.$metadata?.httpStatusCode).toBe(403);
  });

  it('given DurationSeconds under 900, over 43200 or over the role maximum, then ValidationError', async () => {
    expect((await failure(assume({ DurationSeconds: 899 }))).message).toContain(
      'greater than or equal to 900',
    );
    expect((await failure(assume({ DurationSeconds: 43_201 }))).message).toContain(
      'less than or equal to 43200',
    );
    const overRole = await failure(assume({ DurationSeconds: 7200 }));
    expect(overRole.name).toBe('ValidationError');
    expect(overRole.message).toBe(
      'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
    );
  });

  it('given a session policy over 2,048 characters or not JSON, and a bad session name, then refused', async () => {
    const long = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'x:'.padEnd(2100, 'y'), Resource: '*' }],
    });
    expect((await failure(assume({ Policy: long }))).message).toContain(
      'length less than or equal to 2048',
    );
    expect((await failure(assume({ Policy: '{not json' }))).name).toBe(
      'MalformedPolicyDocumentException',
    );
    expect((await failure(assume({ RoleSessionName: 'has spaces' }))).message).toContain(
      "'roleSessionName'",
    );
  });
});

describe('local EventBridge Scheduler stand-in, through the real Scheduler client', () => {
  let client: SchedulerClient;
  beforeAll(() => {
    client = new SchedulerClient(config());
  });
  const inSeconds = (seconds: number) =>
    `at(${new Date(Date.now() + seconds * 1000).toISOString().slice(0, 19)})`;
  const create = (name: string, input: Partial<CreateScheduleCommandInput> = {}) =>
    client.send(
      new CreateScheduleCommand({
        Name: name,
        GroupName: 'ward-break-glass-s101',
        ScheduleExpression: inSeconds(1),
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: {
          Arn: FUNCTION,
          RoleArn: 'arn:aws:iam::000000000000:role/scheduler',
          Input: JSON.stringify({ action: 'expire', id: name }),
        },
        ActionAfterCompletion: 'DELETE',
        ...input,
      }),
    );
  const fired = (name: string) =>
    new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 15_000;
      const poll = () => {
        if (scheduler.fired.some((f) => f.name === name)) resolve();
        else if (Date.now() > deadline) reject(new Error(`${name} never fired`));
        else setTimeout(poll, 50);
      };
      poll();
    });

  it('given an at() schedule, then it fires the target Lambda with its Input at the time, and DELETE removes it after', async () => {
    // Held while it is read back: due within a second, it could otherwise fire (and delete
    // itself) before GetSchedule on a busy machine.
    scheduler.stop();
    const created = await create('expire-g1');
    expect(created.ScheduleArn).toBe(
      'arn:aws:scheduler:eu-west-2:000000000000:schedule/ward-break-glass-s101/expire-g1',
    );
    expect(
      (
        await client.send(
          new GetScheduleCommand({ Name: 'expire-g1', GroupName: 'ward-break-glass-s101' }),
        )
      ).Target?.Arn,
    ).toBe(FUNCTION);
    scheduler.start();
    await fired('expire-g1');
    expect(invocations.find((i) => (i.input as { id?: string }).id === 'expire-g1')).toMatchObject({
      arn: FUNCTION,
      input: { action: 'expire', id: 'expire-g1' },
    });
    expect(
      await failure(
        client.send(
          new GetScheduleCommand({ Name: 'expire-g1', GroupName: 'ward-break-glass-s101' }),
        ),
      ),
    ).toBeInstanceOf(ResourceNotFoundException);
  });

  it('given a name in use, then ConflictException (409); deleting, then ResourceNotFoundException the second time', async () => {
    await create('conflict', { ScheduleExpression: inSeconds(3600) });
    const conflict = await failure(create('conflict', { ScheduleExpression: inSeconds(3600) }));
    expect(conflict).toBeInstanceOf(ConflictException);
    expect(conflict.$metadata?.httpStatusCode).toBe(409);
    await client.send(
      new DeleteScheduleCommand({ Name: 'conflict', GroupName: 'ward-break-glass-s101' }),
    );
    expect(
      await failure(
        client.send(
          new DeleteScheduleCommand({ Name: 'conflict', GroupName: 'ward-break-glass-s101' }),
        ),
      ),
    ).toBeInstanceOf(ResourceNotFoundException);
  });

  it('given a missing group, a bad expression, name or window, then the exceptions the SDK raises', async () => {
    expect(await failure(create('x', { GroupName: 'nope' }))).toBeInstanceOf(
      ResourceNotFoundException,
    );
    expect(
      await failure(create('x', { ScheduleExpression: 'at(2026-13-01T00:00:00)' })),
    ).toBeInstanceOf(ValidationException);
    expect(await failure(create('has space'))).toBeInstanceOf(ValidationException);
    expect(await failure(create('x', { FlexibleTimeWindow: { Mode: 'FLEXIBLE' } }))).toBeInstanceOf(
      ValidationException,
    );
  });

  it('given the scheduler stopped, then nothing fires until it starts again, and then what came due fires', async () => {
    scheduler.stop();
    await create('held', { ScheduleExpression: inSeconds(1) });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(scheduler.fired.some((f) => f.name === 'held')).toBe(false);
    scheduler.start();
    await fired('held');
  });

  it('given a target that fails, then the firing is recorded as failed', async () => {
    await create('broken', {
      Target: { Arn: `${FUNCTION}:broken`, RoleArn: 'arn:aws:iam::000000000000:role/scheduler' },
    });
    await fired('broken');
    expect(scheduler.fired.find((f) => f.name === 'broken')).toMatchObject({
      ok: false,
      error: 'boom',
    });
  });
});

describe('local Lambda Invoke, through the real Lambda client', () => {
  let client: LambdaClient;
  beforeAll(() => {
    client = new LambdaClient(config());
  });

  it('given a function, then its result; a function error, then FunctionError with the error as payload', async () => {
    const ok = await client.send(
      new InvokeCommand({ FunctionName: 'echo', Payload: JSON.stringify({ a: 1 }) }),
    );
    expect(JSON.parse(Buffer.from(ok.Payload ?? []).toString())).toEqual({ echoed: { a: 1 } });
    const failed = await client.send(new InvokeCommand({ FunctionName: 'fails', Payload: '{}' }));
    expect(failed.FunctionError).toBe('Unhandled');
    expect(JSON.parse(Buffer.from(failed.Payload ?? []).toString())).toMatchObject({
      errorMessage: 'it broke',
    });
  });

  it('given no such function, then ResourceNotFoundException', async () => {
    expect(
      await failure(client.send(new InvokeCommand({ FunctionName: 'missing' }))),
    ).toBeInstanceOf(LambdaNotFound);
  });
});
