import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DynamoRuleRegistry } from '../lambdas/adapters/registry';
import type { RuleSet } from '../lambdas/core/rules/rule-set';
import { startDynamoDbLocal } from '../local/dynamodb-local';
import { LocalRuntime } from '../local/runtime/local-runtime';
import { synthesizeWardStacks } from '../local/synth';
import { PRICES_USD } from './aws-prices';
import { DynamoDbMeter, totalCalls, type DynamoDbUsage } from './dynamodb-meter';
import { ms, type Figure } from './measure';
import { benchPromotion } from './promotion.bench';
import { ApprovalClient } from './approval-client';

const CLIENTS = 50;
const CHANGES = 200;
/** Changes taken one at a time from proposal to applied bundle, to measure what one costs. */
const LIFECYCLES = 10;

/**
 * Ward's stacks on the local runtime, the registry seeded with the 2,000-service fleet, and
 * DynamoDB Local behind a metering proxy. 50 clients propose 200 changes and give each its
 * first approval at once (p50/p99, DynamoDB calls per approve); then ten changes go one at a
 * time from proposal to applied bundle, which gives the state transitions, invocations,
 * capacity units, events and objects one approved change costs, priced at list prices.
 */
export async function benchApprovals(
  ruleSet: RuleSet,
): Promise<{ approvals: Figure[]; promotion: Figure[] }> {
  const engine = await startDynamoDbLocal();
  const meter = await DynamoDbMeter.start(engine.endpoint);
  const stateDir = mkdtempSync(join(tmpdir(), 'ward-bench-approvals-'));
  const logs: string[] = [];
  let runtime: LocalRuntime | undefined;
  try {
    runtime = await LocalRuntime.start({
      stacks: synthesizeWardStacks('s101'),
      projectRoot: resolve(__dirname, '..'),
      stateDir,
      dynamoDbEndpoint: meter.endpoint,
      log: (line) => {
        logs.push(line);
        if (process.env.WARD_BENCH_LOGS === '1') process.stderr.write(`${line}\n`);
      },
    });
    await seedRegistry(runtime, engine.endpoint, ruleSet);
    // The approval flow alone: each applied change would also start a promotion (its own
    // bench), whose work would be counted here and compete for the two cores.
    for (const rule of runtime.buses.ruleStates().filter((r) => r.name.includes('OnChangeApplied')))
      runtime.buses.setRuleEnabled(rule.name, false);
    const client = new ApprovalClient(runtime);

    const wanted = changesToPropose(ruleSet, CHANGES + LIFECYCLES + 1);
    const proposals = wanted.slice(0, CHANGES);
    const proposeLatency: number[] = [];
    const proposed = await inParallel(CLIENTS, proposals, async (edge) => {
      const started = performance.now();
      const change = await client.propose(edge.from, edge.to);
      proposeLatency.push(performance.now() - started);
      return change;
    });

    meter.reset();
    const approveLatency: number[] = [];
    await inParallel(CLIENTS, proposed, async (change) => {
      const started = performance.now();
      await client.approve(change, 1, 'proposed');
      approveLatency.push(performance.now() - started);
    });
    const approving = meter.reset();
    const callsPerApprove = totalCalls(approving) / proposed.length;

    const lifecycle = await measureLifecycles(
      runtime,
      client,
      meter,
      wanted.slice(CHANGES, CHANGES + LIFECYCLES),
    );
    const perChange = costPerChange(lifecycle);
    const statically = transitionsOnApprovedPath(runtime);
    const promotion = await benchPromotion(
      runtime,
      client,
      wanted[CHANGES + LIFECYCLES] ?? { from: '', to: '' },
    );

    const approvals = [
      { name: 'fleet in the registry', value: `${ruleSet.services.length} services` },
      {
        name: `propose p50 (${CLIENTS} clients, ${CHANGES} changes)`,
        value: ms(pct(proposeLatency, 50)),
      },
      { name: 'propose p99', value: ms(pct(proposeLatency, 99)) },
      {
        name: `approve p50 (${CLIENTS} clients, ${CHANGES} approvals)`,
        value: ms(pct(approveLatency, 50)),
      },
      { name: 'approve p99', value: ms(pct(approveLatency, 99)) },
      {
        name: 'DynamoDB calls per approve',
        value: `${callsPerApprove.toFixed(2)} (${describeCalls(approving, proposed.length)})`,
        target: '<= 4',
        ok: callsPerApprove <= 4,
      },
      {
        name: 'state transitions per approved change (ASL)',
        value: String(statically),
        target: '<= 12',
        ok: statically <= 12,
      },
      {
        name: 'state transitions per approved change (run)',
        value: lifecycle.transitions.toFixed(1),
        target: '<= 12',
        ok: lifecycle.transitions <= 12,
      },
      {
        name: 'propose p50, one client, after each applied change',
        value: ms(pct(lifecycle.proposeMs, 50)),
      },
      {
        name: 'releasing approve to applied bundle, median',
        value: ms(pct(lifecycle.applyMs, 50)),
      },
      {
        name: 'per approved change',
        value: `${lifecycle.apiRequests.toFixed(0)} API requests, ${lifecycle.invocations.toFixed(1)} invocations, ${lifecycle.gbSeconds.toFixed(3)} GB-s, ${lifecycle.dynamoDbCalls.toFixed(1)} DynamoDB calls, ${lifecycle.readUnits.toFixed(1)} RRU, ${lifecycle.writeUnits.toFixed(1)} WRU, ${lifecycle.events.toFixed(1)} events, ${lifecycle.objects.toFixed(1)} objects`,
      },
      ...perChange,
    ];
    return { approvals, promotion };
  } catch (error) {
    console.error(logs.slice(-40).join('\n'));
    throw error;
  } finally {
    await runtime?.stop();
    await meter.stop();
    await engine.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }
}

interface Lifecycle {
  readonly transitions: number;
  readonly invocations: number;
  readonly gbSeconds: number;
  readonly readUnits: number;
  readonly writeUnits: number;
  readonly dynamoDbCalls: number;
  readonly events: number;
  readonly objects: number;
  readonly apiRequests: number;
  readonly applyMs: number[];
  /** Proposals made right after the rule set moved: each reads the new version whole. */
  readonly proposeMs: number[];
}

/** Object versions in the stacks' buckets: each one was a PUT. */
function objectVersions(runtime: LocalRuntime): number {
  return runtime.buckets
    .configs()
    .reduce((sum, bucket) => sum + runtime.buckets.versions(bucket.name).length, 0);
}

/** Takes each change alone from proposal to applied bundle and averages what it used. */
async function measureLifecycles(
  runtime: LocalRuntime,
  client: ApprovalClient,
  meter: DynamoDbMeter,
  edges: readonly { from: string; to: string }[],
): Promise<Lifecycle> {
  // The approval flow's functions only: each applied change also starts a promotion, whose
  // cost is the promotion's, not the approval's.
  const functions = [...runtime.functions.values()].filter((f) =>
    /Approval(Api|Workflow)/.test(f.config.name),
  );
  const before = {
    invocations: functions.map((f) => f.invocations),
    billedMs: functions.map((f) => f.billedMs),
    events: runtime.buses.events().length,
    requests: runtime.apiRequests.length,
    objects: objectVersions(runtime),
  };
  let transitions = 0;
  const applyMs: number[] = [];
  const proposeMs: number[] = [];
  meter.reset();
  for (const edge of edges) {
    const proposing = performance.now();
    const change = await client.propose(edge.from, edge.to);
    proposeMs.push(performance.now() - proposing);
    await client.approve(change, 1, 'proposed');
    const started = performance.now();
    await client.approve(change, 2, 'approved');
    const execution = runtime.stateMachines.list().find((e) => e.name === change.id);
    if (execution === undefined) throw new Error(`no workflow execution for ${change.id}`);
    const done = await runtime.stateMachines.waitFor(execution.executionArn);
    applyMs.push(performance.now() - started);
    if (done.status !== 'SUCCEEDED')
      throw new Error(`change ${change.id} ended ${done.status}: ${done.error} ${done.cause}`);
    transitions += done.history.filter((e) => e.type === 'StateEntered').length;
  }
  const usage = meter.reset();
  const n = edges.length;
  const gbSeconds = functions.reduce(
    (sum, f, i) =>
      sum + ((f.billedMs - (before.billedMs[i] ?? 0)) / 1000) * (f.config.memoryMb / 1024),
    0,
  );
  return {
    transitions: transitions / n,
    invocations:
      functions.reduce((sum, f, i) => sum + f.invocations - (before.invocations[i] ?? 0), 0) / n,
    gbSeconds: gbSeconds / n,
    readUnits: usage.readUnits / n,
    writeUnits: usage.writeUnits / n,
    dynamoDbCalls: totalCalls(usage) / n,
    events: (runtime.buses.events().length - before.events) / n,
    objects: (objectVersions(runtime) - before.objects) / n,
    apiRequests: (runtime.apiRequests.length - before.requests) / n,
    applyMs,
    proposeMs,
  };
}

function costPerChange(lifecycle: Lifecycle): Figure[] {
  const perThousand = (units: number, price: number) => units * price * 1_000;
  const parts: [string, number][] = [
    ['Step Functions', perThousand(lifecycle.transitions, PRICES_USD.stepFunctionsTransition)],
    [
      'Lambda',
      perThousand(lifecycle.invocations, PRICES_USD.lambdaRequest) +
        perThousand(lifecycle.gbSeconds, PRICES_USD.lambdaArmGbSecond),
    ],
    [
      'DynamoDB',
      perThousand(lifecycle.readUnits, PRICES_USD.dynamoDbReadUnit) +
        perThousand(lifecycle.writeUnits, PRICES_USD.dynamoDbWriteUnit),
    ],
    ['HTTP API', perThousand(lifecycle.apiRequests, PRICES_USD.httpApiRequest)],
    ['EventBridge', perThousand(lifecycle.events, PRICES_USD.eventBridgeEvent)],
    ['S3', perThousand(lifecycle.objects, PRICES_USD.s3Put)],
  ];
  const total = parts.reduce((sum, [, usd]) => sum + usd, 0);
  return [
    { name: 'cost per 1,000 approved changes (list prices)', value: `$${total.toFixed(4)}` },
    ...parts.map(([name, usd]) => ({ name: `  of which ${name}`, value: `$${usd.toFixed(4)}` })),
  ];
}

/**
 * Walks the synthesized ASL from StartAt along each state's Next (the path a change takes when
 * it is approved and nothing fails) and counts the states entered: what Step Functions bills.
 */
function transitionsOnApprovedPath(runtime: LocalRuntime): number {
  const [machine] = runtime.stateMachines.configs();
  if (machine === undefined) throw new Error('the stacks have no state machine');
  const states = machine.definition.States as Record<string, { Type: string; Next?: string }>;
  let name: string | undefined = machine.definition.StartAt as string;
  let entered = 0;
  while (name !== undefined) {
    const state: { Type: string; Next?: string } | undefined = states[name];
    if (state === undefined) throw new Error(`the ASL names a state it lacks: ${name}`);
    if (state.Type === 'Choice' || state.Type === 'Map' || state.Type === 'Parallel')
      throw new Error(`cannot walk a ${state.Type} state statically: ${name}`);
    entered += 1;
    name = state.Next;
  }
  return entered;
}

async function seedRegistry(
  runtime: LocalRuntime,
  endpoint: string,
  ruleSet: RuleSet,
): Promise<void> {
  const tableName = runtime.assembly
    .ofType('AWS::DynamoDB::Table')
    .find((t) => t.logicalId.startsWith('Registry'))?.values.ref;
  if (tableName === undefined) throw new Error('the Ward stack has no registry table');
  const raw = new DynamoDBClient({
    endpoint,
    region: 'eu-west-2',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await new DynamoRuleRegistry({
      client: DynamoDBDocumentClient.from(raw),
      tableName,
    }).replaceAll(ruleSet);
  } finally {
    raw.destroy();
  }
}

/**
 * New calls to critical services (two approvals each) from services of other teams, none of
 * which the fleet allows yet: deterministic, so every run proposes the same changes.
 */
function changesToPropose(ruleSet: RuleSet, count: number): { from: string; to: string }[] {
  const allowed = new Set(ruleSet.ingress.map((e) => `${e.from}>${e.to}`));
  const owner = new Map(ruleSet.services.map((s) => [s.name, s.team]));
  const critical = ruleSet.services.filter((s) => s.tier === 'critical');
  const callers = ruleSet.services.filter((s) => s.tier === 'standard');
  const found: { from: string; to: string }[] = [];
  for (let i = 0; found.length < count && i < callers.length; i += 1) {
    const from = callers[i]?.name ?? '';
    const to = critical[i % critical.length]?.name ?? '';
    if (owner.get(from) !== owner.get(to) && !allowed.has(`${from}>${to}`))
      found.push({ from, to });
  }
  if (found.length < count)
    throw new Error(`the fleet has only ${found.length} changes to propose`);
  return found;
}

/** Runs `work` on every item with at most `clients` in flight, keeping the items' order. */
async function inParallel<T, R>(
  clients: number,
  items: readonly T[],
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const client = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return results;
}

function pct(values: readonly number[], percentile: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.ceil((percentile / 100) * sorted.length) - 1);
  return sorted[Math.max(0, rank)] ?? 0;
}

function describeCalls(usage: DynamoDbUsage, per: number): string {
  return [...usage.calls]
    .map(([operation, count]) => `${(count / per).toFixed(2)} ${operation}`)
    .join(', ');
}
