import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, ListObjectVersionsCommand, S3Client } from '@aws-sdk/client-s3';
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SendTaskSuccessCommand,
  SFNClient,
  TaskDoesNotExist,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  FIXTURE_AUDIENCE,
  FIXTURE_ISSUER,
  LocalRuntimeFixtureStack,
} from '../fixtures/local-runtime/fixture-stack';
import { eventually, useLocalRuntime } from '../support/local-runtime';

const handle = useLocalRuntime(
  (app, suffix) =>
    new LocalRuntimeFixtureStack(app, `Fixture-${suffix}`, { env: { region: 'eu-west-2' } }),
);

const resourceRef = (logicalIdPrefix: string, type: string) => {
  const resource = handle.runtime.assembly
    .ofType(type)
    .find((r) => r.logicalId.startsWith(logicalIdPrefix));
  if (resource === undefined) throw new Error(`no ${type} ${logicalIdPrefix}`);
  return resource.values;
};

async function postOrder(body: unknown, principal = 'alice') {
  const token = await handle.runtime.issuer.sign({
    principal,
    issuer: FIXTURE_ISSUER,
    audience: FIXTURE_AUDIENCE,
    groups: ['eng-finance', 'oncall'],
    amr: ['pwd', 'mfa'],
  });
  return fetch(`${handle.runtime.apiUrl}/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('a request flows through the whole fixture stack on the local runtime', () => {
  let documents: DynamoDBDocumentClient;
  let sfn: SFNClient;
  let sqs: SQSClient;
  let s3: S3Client;

  beforeAll(() => {
    documents = DynamoDBDocumentClient.from(
      new DynamoDBClient({ ...handle.clientConfig, endpoint: handle.runtime.dynamoDbEndpoint }),
    );
    sfn = new SFNClient(handle.clientConfig);
    sqs = new SQSClient(handle.clientConfig);
    s3 = new S3Client(handle.clientConfig);
  });

  it('given a big order, then API -> Lambda -> DynamoDB -> PutEvents -> rule -> state machine -> task token -> SendTaskSuccess -> SNS -> SQS, each step seen', async () => {
    // API -> Lambda: the authorizer passed the claims as API Gateway does (arrays flattened).
    const response = await postOrder({
      amount: 250,
      items: [
        { sku: 'a', quantity: 2 },
        { sku: 'flaky', quantity: 1 },
      ],
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('apigw-requestid')).toBeTruthy();
    const { id, routeKey, claims } = (await response.json()) as {
      id: string;
      routeKey: string;
      claims: Record<string, string>;
    };
    expect(routeKey).toBe('POST /orders');
    expect(claims).toMatchObject({
      sub: 'alice',
      iss: FIXTURE_ISSUER,
      aud: FIXTURE_AUDIENCE,
      groups: '[eng-finance oncall]',
      amr: '[pwd mfa]',
    });

    // Lambda -> DynamoDB Local.
    const table = resourceRef('Orders', 'AWS::DynamoDB::Table').ref;
    const stored = await documents.send(
      new GetCommand({ TableName: table, Key: { pk: `ORDER#${id}` } }),
    );
    expect(stored.Item).toMatchObject({ id, customer: 'alice', amount: 250 });

    // PutEvents -> rule -> state machine (and the other rules' targets).
    const event = await eventually(
      () =>
        handle.runtime.buses
          .events()
          .find((e) => (e.event.detail as { id?: string }).id === id && e.deliveries.length === 2),
      20_000,
      'the OrderCreated deliveries',
    );
    expect(event.event).toMatchObject({ source: 'fixture.orders', 'detail-type': 'OrderCreated' });
    const machineArn = resourceRef('OrderWorkflow', 'AWS::StepFunctions::StateMachine').ref;
    const { executions = [] } = await sfn.send(
      new ListExecutionsCommand({ stateMachineArn: machineArn }),
    );
    const execution = executions.find((e) =>
      handle.runtime.stateMachines.execution(e.executionArn ?? '').input.includes(id),
    );
    expect(execution?.status).toBe('RUNNING');

    // The task-token wait: the RequestApproval function stored the token on the order.
    const taskToken = await eventually(
      async () =>
        (await documents.send(new GetCommand({ TableName: table, Key: { pk: `ORDER#${id}` } })))
          .Item?.approvalToken as string | undefined,
      20_000,
      'the approval token',
    );
    expect(
      (await sfn.send(new DescribeExecutionCommand({ executionArn: execution?.executionArn })))
        .status,
    ).toBe('RUNNING');

    // SendTaskSuccess through the real SDK client releases the workflow.
    await sfn.send(
      new SendTaskSuccessCommand({ taskToken, output: JSON.stringify({ approvedBy: 'bob' }) }),
    );
    const finished = await eventually(
      async () => {
        const described = await sfn.send(
          new DescribeExecutionCommand({ executionArn: execution?.executionArn }),
        );
        return described.status === 'RUNNING' ? undefined : described;
      },
      20_000,
      'the execution to end',
    );
    expect(finished.status).toBe('SUCCEEDED');
    const output = JSON.parse(finished.output ?? '{}') as {
      priced: unknown[];
      approval: unknown;
      receipt: { key: string; versionId: string };
    };
    expect(output.priced).toEqual([
      { sku: 'a', total: 20 },
      { sku: 'flaky', total: 10 },
    ]);
    expect(output.approval).toEqual({ approvedBy: 'bob' });
    // Retry ran: the flaky item failed once before it was priced.
    expect(
      handle.runtime.stateMachines
        .execution(execution?.executionArn ?? '')
        .history.some((h) => h.type === 'StateRetried'),
    ).toBe(true);

    // A second callback with the same token is refused, as in AWS.
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken, output: '{}' })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
    await expect(
      sfn.send(new SendTaskSuccessCommand({ taskToken: 'local-task-token-unknown', output: '{}' })),
    ).rejects.toBeInstanceOf(TaskDoesNotExist);

    // -> SNS: the alert was published, kept for people to see, and delivered to the queue.
    const alert = handle.runtime.topics.messages().find((m) => m.message.includes(id));
    expect(alert).toMatchObject({ subject: 'Order completed' });
    const alertsQueue = resourceRef('AlertsQueue', 'AWS::SQS::Queue').ref;
    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: alertsQueue,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 2,
      }),
    );
    const envelope = JSON.parse(received.Messages?.[0]?.Body ?? '{}') as {
      Type: string;
      Subject: string;
      Message: string;
    };
    expect(envelope).toMatchObject({ Type: 'Notification', Subject: 'Order completed' });
    expect(JSON.parse(envelope.Message)).toMatchObject({
      order: id,
      approval: { approvedBy: 'bob' },
    });

    // S3: the receipt landed in the versioned bucket.
    const bucket = resourceRef('Receipts', 'AWS::S3::Bucket').ref;
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: output.receipt.key }));
    expect(JSON.parse((await object.Body?.transformToString()) ?? '{}')).toMatchObject({
      id,
      amount: 250,
    });
    expect(object.VersionId).toBe(output.receipt.versionId);
    const versions = await s3.send(
      new ListObjectVersionsCommand({ Bucket: bucket, Prefix: output.receipt.key }),
    );
    expect(versions.Versions?.map((v) => v.VersionId)).toEqual([output.receipt.versionId]);

    // The input transformer shaped what the priced-orders queue received.
    const pricedQueue = resourceRef('PricedQueue', 'AWS::SQS::Queue').ref;
    const priced = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: pricedQueue,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 2,
      }),
    );
    expect(priced.Messages?.map((m) => JSON.parse(m.Body ?? '{}') as unknown)).toContainEqual({
      order: id,
      total: 250,
    });

    // A Lambda target of the rule and a Lambda subscription of the topic each got their event.
    for (const via of ['events', 'sns']) {
      const seen = await eventually(
        async () =>
          (
            await documents.send(
              new GetCommand({ TableName: table, Key: { pk: `SEEN#${via}#${id}` } }),
            )
          ).Item,
        10_000,
        `the ${via} delivery to a function`,
      );
      expect(seen).toBeDefined();
    }

    // The FIFO target could not be delivered to (no message group): the event went to its DLQ.
    const fifoDlq = resourceRef('AuditFifoDlq', 'AWS::SQS::Queue').ref;
    const deadLetters = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: fifoDlq,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 2,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const deadLetter = deadLetters.Messages?.find((m) => (m.Body ?? '').includes(id));
    expect(deadLetter?.Attributes).toMatchObject({ ERROR_CODE: 'MissingParameter' });
  });

  it('given a small order, then no approval is needed and the execution succeeds on its own', async () => {
    const response = await postOrder({ amount: 20, items: [{ sku: 'b', quantity: 1 }] });
    const { id } = (await response.json()) as { id: string };
    const execution = await eventually(
      () =>
        handle.runtime.stateMachines
          .list()
          .find((e) => e.input.includes(id) && e.status !== 'RUNNING'),
      20_000,
      'the execution',
    );
    expect({ status: execution.status, error: execution.error, cause: execution.cause }).toEqual({
      status: 'SUCCEEDED',
      error: undefined,
      cause: undefined,
    });
  });

  it('given an item that cannot be priced, then the Map state is caught and the execution fails with the Fail state’s error', async () => {
    const response = await postOrder({ amount: 30, items: [{ sku: 'broken', quantity: 1 }] });
    const { id } = (await response.json()) as { id: string };
    const execution = await eventually(
      () =>
        handle.runtime.stateMachines
          .list()
          .find((e) => e.input.includes(id) && e.status !== 'RUNNING'),
      20_000,
      'the execution',
    );
    expect(execution).toMatchObject({
      status: 'FAILED',
      error: 'PricingFailed',
      cause: 'an item could not be priced',
    });
    expect(execution.history.some((h) => h.type === 'StateCaught')).toBe(true);
  });

  it('given a GET with a path parameter and a query, then the handler sees both and its object result is a 200 JSON body', async () => {
    const created = (await (await postOrder({ amount: 5, items: [] })).json()) as { id: string };
    const token = await handle.runtime.issuer.sign({
      principal: 'alice',
      issuer: FIXTURE_ISSUER,
      audience: FIXTURE_AUDIENCE,
    });
    const response = await fetch(
      `${handle.runtime.apiUrl}/orders/${created.id}?view=full&x=1&x=2`,
      { headers: { authorization: token } },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toMatchObject({
      id: created.id,
      query: { view: 'full', x: '1,2' },
    });
  });
});
