import {
  DeleteObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { AlertLine } from '../../../cli/commands/alerts';
import { EventBridgeAuditPublisher } from '../../../lambdas/adapters/audit/event-bridge-audit-publisher';
import { S3ArchiveStore } from '../../../lambdas/adapters/audit/s3-archive-store';
import { auditArchiveKeys } from '../../../lambdas/contracts/audit-archive';
import { AUDIT_METRICS } from '../../../lambdas/contracts/audit-metrics';
import type { AuditEvent } from '../../../lambdas/contracts/audit-event';
import { alertTopicNames } from '../../../lambdas/contracts/audit-pipeline';
import { eventsOf } from '../../../cli/audit-archive-source';
import { DEFAULT_STATE_DIR, writeRuntimeState } from '../../../local/runtime/state-file';
import { tempDir, ward } from '../../support/cli-harness';
import { eventually } from '../../support/local-runtime';
import { useWardRuntime } from '../../support/ward-runtime';

const runtime = useWardRuntime();
const cwd = tempDir();

const s3 = () => new S3Client({ ...runtime.clientConfig, forcePathStyle: true, maxAttempts: 1 });
const bucket = () =>
  runtime.runtime.buckets.configs().find((b) => /^ward-s101-audit-archive-/.test(b.name))!.name;
const store = () => new S3ArchiveStore({ client: s3(), bucket: bucket() });
const functionNamed = (prefix: string) =>
  runtime.runtime.assembly
    .ofType('AWS::Lambda::Function')
    .find((f) => f.logicalId.startsWith(prefix))!.values.ref;
const scheduled = () => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  detail: {},
});

const auditBus = () =>
  runtime.runtime.buses.buses.find((b) => b.name.startsWith('ward-audit'))!.name;
const testEvent = (n: number): AuditEvent => ({
  id: `e2e-${n}`,
  time: new Date().toISOString(),
  source: 'ward.e2e',
  action: 'test.emitted',
  actor: { principal: 'e2e', kind: 'service', mfa: false },
  target: { type: 'test', id: String(n) },
  outcome: 'success',
  details: {},
  correlationId: 'e2e',
});

/** `ward ...` run as a person would in a shell next to `npm start`: it finds the runtime by its state file. */
const wardHere = (args: string[]) => ward(args, { ...process.env }, undefined, cwd);

async function archivedEvents(): Promise<AuditEvent[]> {
  return (await store().list('batches/main/')).flatMap(eventsOf);
}

/** Waits until every Ward audit event on the bus so far is in the archive. */
async function allArchived(): Promise<AuditEvent[]> {
  return eventually(
    async () => {
      const onBus = new Set(runtime.auditEvents().map((e) => String(e.id)));
      const archived = await archivedEvents();
      const ids = new Set(archived.map((e) => e.id));
      return [...onBus].every((id) => ids.has(id)) ? archived : undefined;
    },
    90_000,
    'every audit event on the bus to be archived',
  );
}

async function verify(extra: string[] = []) {
  const run = await wardHere(['audit', 'verify', '--format', 'json', '--settle', '0s', ...extra]);
  return {
    code: run.code,
    stderr: run.stderr,
    report: JSON.parse(run.stdout || '{}') as {
      whole: boolean;
      problems: { kind: string; [k: string]: unknown }[];
      batches: number;
      events: number;
      digests: number;
    },
  };
}

async function signDigest() {
  const outcome = await runtime.runtime.invoke(
    functionNamed('AuditArchiveDigestWriter'),
    scheduled(),
  );
  expect(outcome).toMatchObject({ ok: true });
  return outcome;
}

beforeAll(() => {
  // The state file `ward local up` writes; this process stands in for the runtime's pid.
  writeRuntimeState(join(cwd, DEFAULT_STATE_DIR), {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    apiUrl: runtime.runtime.apiUrl,
    awsEndpoint: runtime.runtime.awsEndpoint,
    dynamoDbEndpoint: runtime.runtime.dynamoDbEndpoint,
    authorizers: [],
    fleetDir: null,
    registryTable: runtime.registryTable(),
  });
});

describe('the audit archive through the local runtime', () => {
  it('given actions through the approval API, then their events are archived in numbered order in an unbroken chain with a signed digest, and ward audit verify exits 0', async () => {
    const token = await runtime.token('ann@bank.example', { groups: ['eng-customer'] });
    for (let i = 0; i < 3; i += 1) {
      const proposed = await runtime.api('POST', '/changes', {
        token,
        body: {
          add: { ingress: [{ from: 'service.feed', to: 'service.pots' }] },
          justification: `n${i}`,
        },
      });
      expect(proposed.status).toBe(201);
    }
    const archived = await allArchived();
    const mine = archived.filter((e) => e.actor.principal === 'ann@bank.example');
    expect(mine.length).toBeGreaterThanOrEqual(3);
    // Ward's own functions number what they publish, per producer (one per container).
    for (const event of mine) expect(event.sequence?.producer).toMatch(/\/[0-9a-f-]{36}$/);
    // The batcher counts what it archived, for the watch's events-in-but-none-archived alarm.
    // It prints the metric after the batch is stored, and the line reaches the runtime's
    // reading of the function's output a moment later: wait for it rather than race it.
    const archivedMetric = () =>
      runtime.runtime.metrics.sum(AUDIT_METRICS.namespace, AUDIT_METRICS.eventsArchived, {});
    await eventually(
      () => (archivedMetric() >= archived.length ? true : undefined),
      10_000,
      'the EventsArchived metric to count every archived event',
    ).catch(() => undefined);
    expect(archivedMetric()).toBeGreaterThanOrEqual(archived.length);
    const batchKeys = (await store().list('batches/main/')).map((b) => b.key);
    expect(batchKeys).toEqual(batchKeys.map((_, n) => auditArchiveKeys.batch('main', n)));

    await signDigest();
    const { code, report, stderr } = await verify();
    expect(stderr).toBe('');
    expect(report).toMatchObject({ whole: true, problems: [] });
    expect(report.digests).toBeGreaterThanOrEqual(1);
    expect(code).toBe(0);

    const search = await wardHere([
      'audit',
      'search',
      '--actor',
      'ann@bank.example',
      '--format',
      'json',
    ]);
    expect(search.code).toBe(0);
    const found = JSON.parse(search.stdout) as AuditEvent[];
    expect(found.map((e) => e.id).sort()).toEqual([...new Set(mine.map((e) => e.id))].sort());
    const tail = await wardHere(['audit', 'tail', '-n', '2']);
    expect(tail.stdout.trim().split('\n')).toHaveLength(2);
  }, 240_000);

  it('given an event its producer numbered but that never reached the bus, then verify reports the gap and exits non-zero', async () => {
    const client = new EventBridgeClient(runtime.clientConfig);
    // What suppression between a producer and the bus looks like: the second entry vanishes.
    let calls = 0;
    client.middlewareStack.add(
      (next) => async (args) => {
        calls += 1;
        return calls === 2
          ? ({ output: { FailedEntryCount: 0, Entries: [{}] }, response: {} } as never)
          : next(args);
      },
      { step: 'initialize', name: 'suppress-second-put' },
    );
    const publisher = new EventBridgeAuditPublisher({
      client,
      busName: auditBus(),
      producer: 'ward.e2e/suppressed',
    });
    for (const n of [1, 2, 3])
      await publisher.publish([{ ...testEvent(n), id: `suppressed-${n}` }]);
    await eventually(
      async () =>
        (await archivedEvents()).some((e) => e.id === 'suppressed-3') ? true : undefined,
      90_000,
      'the third event to be archived',
    );
    await signDigest();
    const { code, report } = await verify();
    expect(report.problems).toEqual([
      { kind: 'sequence-gap', producer: 'ward.e2e/suppressed', missing: [{ from: 2, to: 2 }] },
    ]);
    expect(code).toBe(1);
    const text = await wardHere(['audit', 'verify', '--settle', '0s']);
    expect(text.stdout).toContain('sequence gap: producer ward.e2e/suppressed is missing 2');
  }, 240_000);

  it('given a locked batch version, then deleting it is refused with AccessDenied', async () => {
    const versions = await s3().send(
      new ListObjectVersionsCommand({
        Bucket: bucket(),
        Prefix: auditArchiveKeys.batch('main', 0),
      }),
    );
    const version = versions.Versions![0]!;
    const refused = await s3()
      .send(
        new DeleteObjectCommand({
          Bucket: bucket(),
          Key: version.Key,
          VersionId: version.VersionId,
        }),
      )
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(S3ServiceException);
    expect((refused as S3ServiceException).name).toBe('AccessDenied');
    expect((await store().history(auditArchiveKeys.batch('main', 0)))[0]?.versions).toBe(1);
  });

  it('given a batch overwritten, two swapped and one deleted, then verify names each and exits non-zero, and the scheduled verifier pages (seen in ward alerts)', async () => {
    const put = (key: string, body: string) =>
      s3().send(new PutObjectCommand({ Bucket: bucket(), Key: key, Body: body }));
    // One batch per event, awaited in turn, so there are batches enough to tamper with.
    const publisher = new EventBridgeAuditPublisher({
      client: new EventBridgeClient(runtime.clientConfig),
      busName: auditBus(),
    });
    for (const n of [1, 2, 3, 4]) {
      await publisher.publish([{ ...testEvent(n), id: `more-${n}` }]);
      await eventually(
        async () => ((await archivedEvents()).some((e) => e.id === `more-${n}`) ? true : undefined),
        90_000,
        `event more-${n} to be archived`,
      );
    }
    const [b0, b1, b2] = (await store().list('batches/main/')).slice(0, 3);
    expect(b2).toBeDefined();
    await put(b0!.key, b0!.text.replace('"outcome":"success"', '"outcome":"denied"'));
    await put(b1!.key, b2!.text);
    await put(b2!.key, b1!.text);
    const last = (await store().list('batches/main/')).at(-1)!;
    await s3().send(new DeleteObjectCommand({ Bucket: bucket(), Key: last.key }));

    const { code, report } = await verify();
    expect(code).toBe(1);
    const kinds = report.problems.map((p) => p.kind);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'overwritten-object',
        'altered-batch',
        'reordered-batch',
        'broken-link',
        'deleted-object',
      ]),
    );
    expect(report.problems).toEqual(
      expect.arrayContaining([
        { kind: 'overwritten-object', key: b0!.key, versions: 2 },
        { kind: 'deleted-object', key: last.key },
        expect.objectContaining({ kind: 'reordered-batch', key: b1!.key, foundNumber: 2 }),
      ]),
    );

    const outcome = await runtime.runtime.invoke(
      functionNamed('AuditArchiveVerifier'),
      scheduled(),
    );
    expect(outcome).toMatchObject({ ok: true, result: { whole: false } });
    const alerts = await eventually(
      async () => {
        const run = await wardHere(['alerts', '--format', 'json']);
        const found = (JSON.parse(run.stdout || '[]') as AlertLine[]).find(
          (a) => a.detection === 'archive-integrity',
        );
        return found;
      },
      60_000,
      'an archive-integrity alert',
    );
    expect(alerts).toMatchObject({ severity: 'critical', paged: true, count: 1 });
    expect(alerts.summary).toMatch(/^audit archive stream main failed verification: \d+ problems/);
    const pages = runtime.runtime.topics
      .messages()
      .filter((m) => m.topicArn.endsWith(`:${alertTopicNames('s101').page}`));
    expect(pages.some((m) => m.message.includes('archive-integrity'))).toBe(true);
    const text = await wardHere(['alerts']);
    expect(text.stdout).toContain('critical  PAGED archive-integrity  x1');
  }, 240_000);
});
