import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import type { AlertLine } from '../../../cli/commands/alerts';
import { DeadLetterSchema } from '../../../lambdas/contracts/audit-ingest';
import { AUDIT_METRICS, metricSource } from '../../../lambdas/contracts/audit-metrics';
import { alertTopicNames } from '../../../lambdas/contracts/audit-pipeline';
import { INGEST_SOURCES, RegistryStreamAction } from '../../../lambdas/contracts/audit-sources';
import { RuleSetChangeSchema } from '../../../lambdas/core/rules/change';
import { auditFixture, auditFixtureText } from '../../unit/audit/fixtures';
import { ward } from '../../support/cli-harness';
import { eventually } from '../../support/local-runtime';
import { useWardRuntime } from '../../support/ward-runtime';

const runtime = useWardRuntime();
const CLUSTER = 'bank-s101';

const cliEnv = () => ({
  ...process.env,
  AWS_ENDPOINT_URL_DYNAMODB: runtime.runtime.dynamoDbEndpoint,
  AWS_ENDPOINT_URL_SSM: runtime.runtime.awsEndpoint,
  AWS_REGION: runtime.clientConfig.region,
  AWS_ACCESS_KEY_ID: runtime.clientConfig.credentials.accessKeyId,
  AWS_SECRET_ACCESS_KEY: runtime.clientConfig.credentials.secretAccessKey,
});

/** `ward alerts` as on-call would run it, against the runtime's registry table. */
async function alerts(): Promise<AlertLine[]> {
  const run = await ward(
    ['alerts', '--table', runtime.registryTable(), '--format', 'json'],
    cliEnv(),
  );
  expect(run).toMatchObject({ code: 0, stderr: '' });
  return JSON.parse(run.stdout) as AlertLine[];
}

const alertOf = (detection: string, summary: RegExp) =>
  eventually(
    async () => (await alerts()).find((a) => a.detection === detection && summary.test(a.summary)),
    90_000,
    `a ${detection} alert matching ${summary}`,
  );

const pagesOf = (detection: string) =>
  runtime.runtime.topics
    .messages()
    .filter((m) => m.topicName === alertTopicNames('s101').page)
    .map((m) => JSON.parse(m.message) as AlertLine)
    .filter((a) => a.detection === detection);

/** A CloudTrail fixture as EventBridge would deliver it now: fresh ids and times. */
function cloudTrailEvent(
  path: string,
  change: (detail: Record<string, unknown>) => void = () => {},
) {
  const event = auditFixture(`cloudtrail/${path}`);
  const now = new Date();
  const detail = event.detail as Record<string, unknown>;
  event.id = randomUUID();
  event.time = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  detail.eventID = randomUUID();
  detail.eventTime = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  change(detail);
  return event;
}

/** A Kubernetes audit EventList fixture with fresh audit ids and times. */
function kubernetesBody(path: string): string {
  const now = new Date().toISOString();
  const auditId = randomUUID();
  return auditFixtureText(`k8s/${path}`)
    .replace(/"auditID": "[^"]+"/g, `"auditID": "${auditId}"`)
    .replace(/"(requestReceivedTimestamp|stageTimestamp)": "[^"]+"/g, `"$1": "${now}"`);
}

const deadLetters = () => {
  const queue = runtime.runtime.assembly
    .ofType('AWS::SQS::Queue')
    .find((q) => q.logicalId.startsWith('AuditIngestDeadLetterQueue'));
  return runtime.runtime.queues
    .peek(queue?.values.ref ?? 'no ingest dead-letter queue')
    .map((m) => JSON.parse(m.body) as Record<string, unknown>);
};

const metric = (name: string, source: string) =>
  runtime.runtime.metrics.sum(AUDIT_METRICS.namespace, name, {
    [AUDIT_METRICS.sourceDimension]: source,
  });

/**
 * The metric once it has reached `atLeast`, or as it is after a few seconds: a function's
 * metric line reaches the runtime a moment after the function's other effects.
 */
const settledMetric = async (name: string, source: string, atLeast: number) => {
  await eventually(() => (metric(name, source) >= atLeast ? true : undefined), 10_000).catch(
    () => undefined,
  );
  return metric(name, source);
};

/** Posts to the Kubernetes audit webhook as an API server's webhook backend would. */
async function postAudit(body: string, authorization?: string) {
  const api = runtime.runtime.apis.find((a) => a.config.name === 'ward-k8s-audit-s101');
  const response = await fetch(`${api?.url ?? 'http://no-k8s-audit-api'}/k8s-audit`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(authorization !== undefined ? { authorization } : {}),
    },
    body,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const ingestedFrom = (source: string) => runtime.auditEvents().filter((e) => e.source === source);

let token = '';
beforeAll(async () => {
  const run = await ward(['k8s-audit', 'register', CLUSTER, '--format', 'json'], cliEnv());
  expect(run).toMatchObject({ code: 0, stderr: '' });
  token = (JSON.parse(run.stdout) as { token: string }).token;
}, 60_000);

describe('CloudTrail events through the local runtime', () => {
  it('given StopLogging from the default bus, then a critical audit-trail-tampering alert pages, and the metric counts the event', async () => {
    const before = metric(AUDIT_METRICS.eventsIn, metricSource.cloudTrail);
    runtime.runtime.buses.deliverFromAws('default', cloudTrailEvent('stop-logging.json'));
    const alert = await alertOf(
      'audit-trail-tampering',
      /StopLogging on .*trail\/management-events/,
    );
    expect(alert).toMatchObject({ severity: 'critical', paged: true, count: 1 });
    expect(ingestedFrom(INGEST_SOURCES.cloudTrail)[0]).toMatchObject({
      action: 'aws.cloudtrail.stop-logging',
      actor: { principal: 'arn:aws:iam::111122223333:user/Mateo', kind: 'human' },
    });
    await eventually(
      () => pagesOf('audit-trail-tampering').find((a) => a.id === alert.id),
      20_000,
      'the page',
    );
    expect(await settledMetric(AUDIT_METRICS.eventsIn, metricSource.cloudTrail, before + 1)).toBe(
      before + 1,
    );
  }, 120_000);

  it('given DisableRule on the detections rule itself, then it pages too', async () => {
    runtime.runtime.buses.deliverFromAws(
      'default',
      cloudTrailEvent('disable-rule.json', (detail) => {
        detail.requestParameters = {
          name: 'ward-audit-detections-s101',
          eventBusName: 'ward-audit-s101',
        };
      }),
    );
    expect(await alertOf('audit-trail-tampering', /ward-audit-detections-s101/)).toMatchObject({
      severity: 'critical',
      paged: true,
    });
  }, 120_000);

  it('given a malformed CloudTrail event, then it lands in the dead-letter queue with its reason and the original, and the reject metric counts it', async () => {
    const rejects = metric(AUDIT_METRICS.normaliserRejects, metricSource.cloudTrail);
    const broken = cloudTrailEvent('stop-logging.json', (detail) => {
      delete detail.eventName;
    });
    runtime.runtime.buses.deliverFromAws('default', broken);
    const letter = await eventually(
      () => deadLetters().find((l) => (l.input as { id?: string } | undefined)?.id === broken.id),
      30_000,
      'the dead letter',
    );
    expect(DeadLetterSchema.parse(letter)).toMatchObject({
      origin: 'aws.cloudtrail',
      reason: 'wrong-shape',
      path: 'detail.eventName',
      input: broken,
    });
    await eventually(
      () =>
        metric(AUDIT_METRICS.normaliserRejects, metricSource.cloudTrail) === rejects + 1
          ? true
          : undefined,
      10_000,
      'the NormaliserRejects metric',
    );
  }, 60_000);
});

describe('Kubernetes audit events through the authenticated webhook', () => {
  it('given a NetworkPolicy deleted by someone other than Ward, then a high network-policy-tampering alert', async () => {
    const answer = await postAudit(kubernetesBody('networkpolicy-delete.json'), `Bearer ${token}`);
    expect(answer).toEqual({ status: 200, body: { accepted: 1, refused: 0, skipped: 1 } });
    const alert = await alertOf('network-policy-tampering', /^mallory@bank\.example ran delete/);
    expect(alert).toMatchObject({ severity: 'high', paged: false });
    expect(ingestedFrom(INGEST_SOURCES.kubernetesAudit)[0]).toMatchObject({
      action: 'k8s.networkpolicies.delete',
      details: { cluster: CLUSTER },
    });
    expect(
      await settledMetric(AUDIT_METRICS.eventsIn, metricSource.kubernetes(CLUSTER), 2),
    ).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('given no token, a wrong token or another cluster’s token, then the call is refused and nothing is emitted', async () => {
    const body = kubernetesBody('networkpolicy-delete.json');
    const events = ingestedFrom(INGEST_SOURCES.kubernetesAudit).length;
    const letters = deadLetters().length;
    const forged = token.replace(/\.[^.]+$/, `.${'A'.repeat(43)}`);
    const otherCluster = token.replace(`.${CLUSTER}.`, '.bank-s102.');
    expect(await postAudit(body)).toEqual({ status: 401, body: { message: 'Unauthorized' } });
    for (const authorization of [
      `Bearer ${forged}`,
      `Bearer ${otherCluster}`,
      'Bearer not-a-token',
    ])
      expect(await postAudit(body, authorization)).toEqual({
        status: 403,
        body: { message: 'Forbidden' },
      });
    await runtime.runtime.buses.settled();
    expect(ingestedFrom(INGEST_SOURCES.kubernetesAudit)).toHaveLength(events);
    expect(deadLetters()).toHaveLength(letters);
  }, 60_000);

  it('given a body that is not an audit.k8s.io/v1 EventList, then 400 with the reason, dead-lettered and counted', async () => {
    const rejects = metric(AUDIT_METRICS.normaliserRejects, metricSource.kubernetes(CLUSTER));
    const body = kubernetesBody('networkpolicy-delete.json').replace(
      'audit.k8s.io/v1',
      'audit.k8s.io/v1beta1',
    );
    expect(await postAudit(body, `Bearer ${token}`)).toEqual({
      status: 400,
      body: {
        message: 'apiVersion "audit.k8s.io/v1beta1" is not "audit.k8s.io/v1"',
        reason: 'unsupported-api-version',
        path: 'apiVersion',
      },
    });
    expect(deadLetters().find((l) => l.input === body)).toMatchObject({
      origin: 'k8s.audit',
      cluster: CLUSTER,
      reason: 'unsupported-api-version',
    });
    expect(
      await settledMetric(
        AUDIT_METRICS.normaliserRejects,
        metricSource.kubernetes(CLUSTER),
        rejects + 1,
      ),
    ).toBe(rejects + 1);
  }, 60_000);
});

describe('the registry stream', () => {
  it('given a change approved through the workflow, then its writes are the workflow’s, and a write by Ward’s own registry code for no change still pages', async () => {
    const proposer = await runtime.token('pat3@bank.example', { groups: ['eng-customer'] });
    const proposed = await runtime.api('POST', '/changes', {
      token: proposer,
      body: {
        add: { ingress: [{ from: 'service.pots', to: 'service.fx-rates' }] },
        justification: 'rates in pots',
      },
    });
    expect(proposed.status).toBe(201);
    const { id, diffSha256, impactSha256 } = proposed.body as Record<string, string>;
    const approved = await runtime.api('POST', `/changes/${id}/approve`, {
      token: await runtime.token('fin1@bank.example', { groups: ['eng-finance'] }),
      body: { diffSha256, impactSha256 },
    });
    expect(approved.status).toBe(200);
    const commit = await eventually(
      () =>
        runtime
          .auditEvents()
          .find(
            (e) =>
              e.action === RegistryStreamAction.committed &&
              (e.details as Record<string, unknown>).changeId === id,
          ),
      60_000,
      'the commit of the approved change on the audit bus',
    );
    const txId = (commit.details as { commitTxId: string }).commitTxId;
    const writes = runtime
      .auditEvents()
      .filter(
        (e) => e.source === 'ward.registry-stream' && JSON.stringify(e.details).includes(txId),
      );
    expect(writes.length).toBeGreaterThanOrEqual(2); // the new ingress rule and the commit
    for (const write of writes)
      expect((write.details as { writer: unknown }).writer).toEqual({
        kind: 'approval-workflow',
        changeId: id,
        txId,
      });

    // Ward's own registry code, used outside the workflow (as `ward registry import` does).
    await runtime.registry().applyChange(
      RuleSetChangeSchema.parse({
        add: { ingress: [{ from: 'service.feed', to: 'service.fx-rates' }] },
        remove: {},
      }),
    );
    const alert = await alertOf('registry-write-outside-workflow', /for no change request/);
    expect(alert).toMatchObject({ severity: 'critical', paged: true });
    const outside = (await alerts()).filter(
      (a) => a.detection === 'registry-write-outside-workflow',
    );
    // The workflow's writes were on the bus before this one: none is behind any such alert.
    const behind = new Set(outside.flatMap((a) => a.events));
    expect(writes.filter((w) => behind.has(String(w.id)))).toEqual([]);
  }, 180_000);
  it('given a rule item written straight to the registry table (last: the registry then fails its hash check, closed), then registry-write-outside-workflow pages', async () => {
    const client = new DynamoDBClient({
      ...runtime.clientConfig,
      endpoint: runtime.runtime.dynamoDbEndpoint,
    });
    await client.send(
      new PutItemCommand({
        TableName: runtime.registryTable(),
        Item: {
          pk: { S: 'SVC#service.ledger' },
          sk: { S: 'IN#service.emoji#v0000000001#deadbeefdeadbeef' },
          entity: { S: 'rule:ingress' },
          addedIn: { N: '1' },
          txId: { S: 'deadbeefdeadbeef' },
          rule: { M: { from: { S: 'service.emoji' }, to: { S: 'service.ledger' } } },
        },
      }),
    );
    client.destroy();
    const alert = await alertOf(
      'registry-write-outside-workflow',
      /put SVC#service\.ledger\/IN#service\.emoji/,
    );
    expect(alert).toMatchObject({ severity: 'critical', paged: true });
    expect(alert.summary).toContain(
      "writer deadbeefdeadbeef left no intent: not written by Ward's registry",
    );
    await eventually(
      () => pagesOf('registry-write-outside-workflow').find((a) => a.id === alert.id),
      20_000,
      'the page',
    );
  }, 120_000);
});

describe('watching the watchers', () => {
  it('given the heartbeat, then the detector counts it as Ward talking', async () => {
    const before = metric(AUDIT_METRICS.eventsIn, metricSource.ward);
    const heartbeat = runtime.runtime.assembly
      .ofType('AWS::Lambda::Function')
      .find((f) => f.logicalId.startsWith('AuditIngestHeartbeat'));
    expect(await runtime.runtime.invoke(heartbeat?.values.ref ?? 'no heartbeat', {})).toMatchObject(
      { ok: true },
    );
    await eventually(
      () => (metric(AUDIT_METRICS.eventsIn, metricSource.ward) > before ? true : undefined),
      30_000,
      'EventsIn for ward',
    );
  }, 60_000);
});
