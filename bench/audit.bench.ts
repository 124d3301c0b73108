import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readFleet } from '../cli/fleet/read-fleet';
import { DynamoRuleRegistry } from '../lambdas/adapters/registry';
import { AuditBatchHeaderSchema } from '../lambdas/contracts/audit-archive';
import { AUDIT_EVENT_DETAIL_TYPE, type AuditEvent } from '../lambdas/contracts/audit-event';
import { createSequencer } from '../lambdas/core/audit/sequencer';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { LocalRuntime } from '../local/runtime/local-runtime';
import { synthesizeWardStacks } from '../local/synth';
import { ARCHIVE_PRICES_USD, PRICES_USD } from './aws-prices';
import { DynamoDbMeter } from './dynamodb-meter';
import type { Figure } from './measure';

/** Audit events sent; enough for a rate over tens of seconds on two cores. */
const EVENTS = Number(process.env.WARD_BENCH_AUDIT_EVENTS ?? 10_000);
const TARGET_PER_SECOND = 2_000;
/** The bench gives up waiting for the archive and the detections after this long. */
const DEADLINE_MS = 10 * 60_000;

/**
 * The audit pipeline under load through the local runtime: EVENTS audit events are put on the
 * audit bus as fast as it takes them; the archive (rule -> SQS -> serial batcher
 * -> Object Lock bucket) and the detections (rule -> SQS -> detector in batches) each take them from
 * there. Figures: sustained events per second and p99 end-to-end latency for each path, how
 * loaded the shared machine was, and the cost per million events at list prices from the
 * template's settings and the work measured (invocations, billed duration, capacity units).
 */
export async function benchAudit(): Promise<Figure[]> {
  const engine = await startDynamoDbLocal();
  const meter = await DynamoDbMeter.start(engine.endpoint);
  let runtime: LocalRuntime | undefined;
  try {
    runtime = await LocalRuntime.start({
      stacks: synthesizeWardStacks('s101'),
      projectRoot: resolve(__dirname, '..'),
      stateDir: mkdtempSync(join(tmpdir(), 'ward-bench-audit-')),
      dynamoDbEndpoint: meter.endpoint,
      log: (line) => {
        if (process.env.WARD_BENCH_LOGS === '1') process.stderr.write(`${line}\n`);
      },
    });
    // Scheduled digests and verification are fixed costs, not per event: kept out of the run.
    runtime.schedules.stop();
    await seedRegistry(runtime, engine.endpoint);
    return await measure(runtime, meter);
  } finally {
    await runtime?.stop();
    await meter.stop();
    await engine.stop();
  }
}

async function measure(runtime: LocalRuntime, meter: DynamoDbMeter): Promise<Figure[]> {
  const fn = (prefix: string) => {
    const name = runtime.assembly
      .ofType('AWS::Lambda::Function')
      .find((f) => f.logicalId.startsWith(prefix))?.values.ref;
    const local = name === undefined ? undefined : runtime.functions.get(name);
    if (local === undefined) throw new Error(`no function ${prefix} in the stack`);
    return local;
  };
  const batcher = fn('AuditArchiveBatcher');
  const detector = fn('AuditDetectionsDetector');
  // When the detector finished each event: the end of the detections path.
  const detected = new Map<string, number>();
  const invoke = detector.invoke.bind(detector);
  let detectorInvocations = 0;
  detector.invoke = async (event) => {
    detectorInvocations += 1;
    const outcome = await invoke(event);
    const failed = new Set(
      outcome.ok
        ? (
            (outcome.result as { batchItemFailures?: { itemIdentifier: string }[] } | undefined)
              ?.batchItemFailures ?? []
          ).map((f) => f.itemIdentifier)
        : [],
    );
    const at = Date.now();
    for (const record of (event as { Records?: { messageId: string; body: string }[] }).Records ??
      [])
      if (outcome.ok && !failed.has(record.messageId)) {
        const id = (JSON.parse(record.body) as { detail?: { id?: string } }).detail?.id;
        if (id !== undefined) detected.set(id, at);
      }
    return outcome;
  };
  const bucket = runtime.buckets.configs().find((b) => b.name.includes('-audit-archive-'))!.name;
  const busName = runtime.buses.buses.find((b) => b.name.startsWith('ward-audit'))!.name;
  meter.reset();
  const before = { batcherMs: batcher.billedMs, detectorMs: detector.billedMs, load: loadavg() };
  const cpuBefore = process.cpuUsage();
  const sentAt = new Map<string, number>();
  const started = Date.now();
  // Straight onto the bus (PutEvents in-process, ten at a time, numbered as Ward's publisher
  // numbers them): the figure is the pipeline's, not the producers' HTTP and signing cost.
  const sequence = createSequencer(`ward.bench/${randomUUID()}`);
  for (let next = 0; next < EVENTS;) {
    const now = Date.now();
    const events = Array.from({ length: Math.min(10, EVENTS - next) }, () => ({
      ...benchEvent(next++),
      time: new Date(now).toISOString(),
      sequence: sequence(),
    }));
    for (const event of events) sentAt.set(event.id, now);
    const answer = runtime.buses.putEvents(
      events.map((event) => ({
        EventBusName: busName,
        Source: event.source,
        DetailType: AUDIT_EVENT_DETAIL_TYPE,
        Detail: JSON.stringify(event),
      })),
    );
    if (answer.FailedEntryCount > 0) throw new Error('the local bus refused bench events');
    // Let deliveries run between puts, as a bus fed from many producers would.
    await new Promise((resolveTurn) => setImmediate(resolveTurn));
  }
  const sentMs = Date.now() - started;

  const archived = new Map<string, number>();
  const deadline = Date.now() + DEADLINE_MS;
  let batches = 0;
  while (Date.now() < deadline && (archived.size < EVENTS || detected.size < EVENTS)) {
    await new Promise((resolvePoll) => setTimeout(resolvePoll, 500));
    const objects = runtime.buckets.list(bucket, 'batches/main/', '', 1_000_000).objects;
    for (const object of objects.slice(batches)) {
      const { body, version } = runtime.buckets.get(bucket, object.key);
      const [header, ...lines] = body.toString('utf8').trimEnd().split('\n');
      AuditBatchHeaderSchema.parse(JSON.parse(header ?? ''));
      const at = Date.parse(version.lastModified);
      for (const line of lines) {
        const id = (JSON.parse(line) as AuditEvent).id;
        if (!archived.has(id)) archived.set(id, at);
      }
    }
    batches = objects.length;
  }
  const cpu = process.cpuUsage(cpuBefore);
  const wallMs = Date.now() - started;
  const usage = meter.reset();
  const after = loadavg();

  const rate = (done: Map<string, number>) => {
    const last = Math.max(...done.values());
    return (done.size / Math.max(1, last - started)) * 1000;
  };
  const latencies = (done: Map<string, number>) =>
    [...done].map(([id, at]) => at - (sentAt.get(id) ?? at));
  const archiveRate = rate(archived);
  const detectRate = rate(detected);
  const cost = costPerMillion(runtime, {
    events: EVENTS,
    batches,
    batcherMs: batcher.billedMs - before.batcherMs,
    detectorMs: detector.billedMs - before.detectorMs,
    detectorInvocations,
    readUnits: usage.readUnits,
    writeUnits: usage.writeUnits,
  });
  return [
    {
      name: 'events put on the audit bus',
      value: `${EVENTS} in ${(sentMs / 1000).toFixed(1)} s`,
    },
    {
      name: 'archive: events archived',
      value: `${archived.size} in ${batches} batches`,
    },
    {
      name: 'archive: sustained events/s (bus to Object Lock bucket)',
      value: archiveRate.toFixed(0),
      target: `${TARGET_PER_SECOND}/s`,
      ok: archiveRate >= TARGET_PER_SECOND,
    },
    {
      name: 'archive: p50 / p99 end-to-end latency',
      value: `${pct(latencies(archived), 50)} / ${pct(latencies(archived), 99)} ms`,
    },
    { name: 'detections: events through the detector', value: `${detected.size}` },
    {
      name: 'detections: sustained events/s (bus to detections done)',
      value: detectRate.toFixed(0),
      target: `${TARGET_PER_SECOND}/s`,
      ok: detectRate >= TARGET_PER_SECOND,
    },
    {
      name: 'detections: p50 / p99 end-to-end latency',
      value: `${pct(latencies(detected), 50)} / ${pct(latencies(detected), 99)} ms`,
    },
    {
      name: 'machine load (1-min load average before / after, cores)',
      value: `${before.load[0]!.toFixed(1)} / ${after[0]!.toFixed(1)} on ${cpus().length} cores`,
    },
    {
      name: 'this process’s CPU during the run',
      value: `${(((cpu.user + cpu.system) / 1000 / wallMs) * 100).toFixed(0)}% of one core`,
    },
    ...cost,
  ];
}

function benchEvent(n: number): AuditEvent {
  return {
    id: randomUUID(),
    time: new Date().toISOString(),
    source: 'ward.bench',
    action: 'change.proposed',
    actor: { principal: `bench${n % 50}@bank.example`, kind: 'human', mfa: true },
    target: { type: 'change', id: `bench-${n}` },
    outcome: 'success',
    details: { n },
    correlationId: `bench-${n}`,
  };
}

interface Work {
  readonly events: number;
  readonly batches: number;
  readonly batcherMs: number;
  readonly detectorMs: number;
  /** Detector invocations: one per batch the detections queue handed over. */
  readonly detectorInvocations: number;
  readonly readUnits: number;
  readonly writeUnits: number;
}

/**
 * What a million events cost at list prices: the event itself and its EventBridge archive copy,
 * SQS (EventBridge's send, the poller's receives and deletes of up to ten at a time), the
 * batcher and detector (invocations, and the billed duration measured here at the memory the
 * template gives them), DynamoDB units measured, and S3 puts of batches. Storage is per month
 * kept; digests and verification run on a schedule and cost the same at any volume.
 */
function costPerMillion(runtime: LocalRuntime, work: Work): Figure[] {
  const memoryGb = (prefix: string) =>
    Number(
      runtime.assembly.ofType('AWS::Lambda::Function').find((f) => f.logicalId.startsWith(prefix))
        ?.properties.MemorySize ?? 128,
    ) / 1024;
  const scale = 1_000_000 / work.events;
  const eventBytes = 700;
  const gb = (1_000_000 * eventBytes) / 1024 ** 3;
  const parts: [string, number][] = [
    [
      'EventBridge (events + archive)',
      1_000_000 * PRICES_USD.eventBridgeEvent + gb * ARCHIVE_PRICES_USD.eventArchiveGb,
    ],
    // Two queues (the archive's and the detections'), each: a send per event, then receives
    // and deletes of up to ten at a time.
    ['SQS', 2 * (1_000_000 + (2 * 1_000_000) / 10) * ARCHIVE_PRICES_USD.sqsRequest],
    [
      'Lambda batcher',
      work.batches * scale * PRICES_USD.lambdaRequest +
        (work.batcherMs / 1000) *
          scale *
          memoryGb('AuditArchiveBatcher') *
          PRICES_USD.lambdaArmGbSecond,
    ],
    [
      'Lambda detector',
      work.detectorInvocations * scale * PRICES_USD.lambdaRequest +
        (work.detectorMs / 1000) *
          scale *
          memoryGb('AuditDetectionsDetector') *
          PRICES_USD.lambdaArmGbSecond,
    ],
    [
      'DynamoDB',
      work.readUnits * scale * PRICES_USD.dynamoDbReadUnit +
        work.writeUnits * scale * PRICES_USD.dynamoDbWriteUnit,
    ],
    ['S3 puts (batches)', work.batches * scale * PRICES_USD.s3Put],
  ];
  const total = parts.reduce((sum, [, usd]) => sum + usd, 0);
  return [
    { name: 'cost per million events (list prices)', value: `$${total.toFixed(2)}` },
    ...parts.map(([name, usd]) => ({ name: `  of which ${name}`, value: `$${usd.toFixed(3)}` })),
    {
      name: '  plus S3 storage per month kept',
      value: `$${(gb * ARCHIVE_PRICES_USD.s3StorageGbMonth).toFixed(3)} (${(gb * 1024).toFixed(0)} MB)`,
    },
    {
      name: '  fixed: digests every 5 min (KMS Sign)',
      value: `$${(30 * 24 * 12 * ARCHIVE_PRICES_USD.kmsEccRequest + 1).toFixed(2)} a month, key included`,
    },
  ];
}

async function seedRegistry(runtime: LocalRuntime, endpoint: string): Promise<void> {
  const table = runtime.assembly
    .ofType('AWS::DynamoDB::Table')
    .find((t) => t.logicalId.startsWith('Registry'))?.values.ref;
  if (table === undefined) throw new Error('the stack has no registry table');
  const registry = new DynamoRuleRegistry({
    client: DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint,
        region: 'eu-west-2',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      }),
    ),
    tableName: table,
  });
  await registry.replaceAll(await readFleet(resolve(__dirname, '../examples/fleet')));
}

function pct(values: readonly number[], percentile: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.ceil((percentile / 100) * sorted.length) - 1);
  return sorted[Math.max(0, rank)] ?? 0;
}
