import {
  DynamoRuleRegistry,
  LeaseLostError,
  RuleSetConflictError,
} from '../../lambdas/adapters/registry';
import { createRuleSet, type RuleSet } from '../../lambdas/core/rules/rule-set';
import { fleet, fleetInput, serviceName, type FleetShape } from '../support/fleet';
import { gatedClient, manualClock, type GatedRequest } from '../support/gated-client';
import { leftoversOf, rawItems } from '../support/registry-inspection';
import { useRegistryTables } from '../support/registry-table';

const tables = useRegistryTables('crash');
const LEASE_MS = 10_000;
const ABORTED_RETENTION_MS = 60_000;
const SHAPE: FleetShape = { services: 60, teams: 3, ingress: 200, egress: 10, grants: 10 };

/** Two registries on one table and one clock: A writes through a gated client, B does not. */
async function setUp() {
  const tableName = await tables.create();
  const clock = manualClock();
  const gated = gatedClient();
  const options = {
    tableName,
    clock: clock.now,
    leaseMs: LEASE_MS,
    abortedRetentionMs: ABORTED_RETENTION_MS,
  };
  const a = new DynamoRuleRegistry({ ...options, client: gated.client });
  const b = new DynamoRuleRegistry({ ...options, client: tables.client });
  const v1 = await b.write(await b.readCurrent(), fleet(SHAPE));
  return { tableName, clock, gated, a, b, v1 };
}

/** v1 with 100 new edges, one service moved to another team and one edge dropped. */
function changeOfA(v1: RuleSet): RuleSet {
  const input = fleetInput(SHAPE);
  const known = new Set(v1.ingress.map((e) => `${e.from}->${e.to}`));
  const extra = [];
  for (let i = 0; extra.length < 100; i++) {
    const edge = {
      from: serviceName(i % 60),
      to: serviceName((i + 1 + Math.floor(i / 60)) % 60),
      ports: [],
    };
    const key = `${edge.from}->${edge.to}`;
    if (edge.from !== edge.to && !known.has(key)) {
      known.add(key);
      extra.push(edge);
    }
  }
  return createRuleSet({
    ...input,
    services: input.services.map((s) => (s.name === serviceName(1) ? { ...s, team: 'team-2' } : s)),
    ingress: [...v1.ingress.slice(1), ...extra],
  });
}

function changeOfB(v1: RuleSet): RuleSet {
  return createRuleSet({ ...v1, teams: [...v1.teams, { name: 'team-late', group: 'idp-late' }] });
}

const isCommit = (r: GatedRequest) =>
  r.command === 'UpdateItemCommand' && String(r.input.UpdateExpression).includes('commitTxId');
const isStagingBatch = (r: GatedRequest) =>
  r.command === 'BatchWriteItemCommand' && JSON.stringify(r.input).includes('"rule:ingress"');

describe('DynamoRuleRegistry: crashed and fenced-off writers', () => {
  it('given a writer that staged a change and stopped before its commit, when others read, then they see only the base version', async () => {
    const { gated, a, b, v1, tableName } = await setUp();
    const gate = gated.hold(isCommit);
    const nextA = changeOfA(v1);
    const writing = a.write(v1, nextA).catch((error: unknown) => error);
    await gate.reached;
    const txA = (await b.status()).lease!.txId;

    expect(await b.readCurrent()).toEqual(v1);
    expect((await b.callersOf(serviceName(3))).items).toEqual(
      v1.ingress.filter((e) => e.to === serviceName(3)),
    );
    expect((await b.calleesOf(serviceName(0))).items).toEqual(
      v1.ingress.filter((e) => e.from === serviceName(0)),
    );
    expect((await b.servicesOfTeam('team-2')).items.map((s) => s.name)).not.toContain(
      serviceName(1),
    );
    expect(await leftoversOf(tables.client, tableName, txA)).toEqual({ staged: 101, marked: 2 });

    await gate.send();
    gate.answer();
    expect(await writing).toEqual(expect.objectContaining({ version: 2 }));
    expect(await b.readCurrent()).toEqual({ ...nextA, version: 2 });
    gated.destroy();
  });

  it('given a writer holding a live lease, when another writer starts from the same base, then it gets RuleSetConflictError saying until when the lease is held', async () => {
    const { gated, a, b, v1, clock } = await setUp();
    const gate = gated.hold(isCommit);
    const writing = a.write(v1, changeOfA(v1)).catch((error: unknown) => error);
    await gate.reached;

    const refused = b.write(v1, changeOfB(v1));

    await expect(refused).rejects.toBeInstanceOf(RuleSetConflictError);
    await expect(refused).rejects.toMatchObject({
      expectedVersion: 1,
      actualVersion: 1,
      leaseHeldUntil: new Date(clock.now().getTime() + LEASE_MS),
    });
    await gate.send();
    gate.answer();
    await writing;
    gated.destroy();
  });

  it('given a writer that crashed before its commit, when its lease has expired and another writer writes, then its leftovers are rolled back and its late commit fails', async () => {
    const { gated, a, b, v1, clock, tableName } = await setUp();
    const gate = gated.hold(isCommit);
    const writing = a.write(v1, changeOfA(v1)).catch((error: unknown) => error);
    await gate.reached;
    const txA = (await b.status()).lease!.txId;

    clock.advance(LEASE_MS + 1);
    const v2 = await b.write(v1, changeOfB(v1));

    expect(v2.version).toBe(2);
    expect(await b.readCurrent()).toEqual(v2);
    expect(await leftoversOf(tables.client, tableName, txA)).toEqual({ staged: 0, marked: 0 });
    expect((await b.status()).abortedWriters).toBe(1);
    // The crashed writer wakes up and tries to commit: refused, nothing of it shows.
    await gate.send();
    gate.answer();
    const outcome = await writing;
    expect(outcome).toBeInstanceOf(LeaseLostError);
    expect(outcome).toBeInstanceOf(RuleSetConflictError);
    expect(await b.readCurrent()).toEqual(v2);
    gated.destroy();
  });

  it('given a writer whose staging write was delayed past a takeover, when that write lands after the other writer committed, then readers never see it and garbage collection removes it later', async () => {
    const { gated, a, b, v1, clock, tableName } = await setUp();
    const gate = gated.hold(isStagingBatch, 1);
    const writing = a.write(v1, changeOfA(v1)).catch((error: unknown) => error);
    await gate.reached;
    const txA = (await b.status()).lease!.txId;

    clock.advance(LEASE_MS + 1);
    const v2 = await b.write(v1, changeOfB(v1));
    await gate.send(); // the delayed batch lands now, after v2 was committed

    const stragglers = await leftoversOf(tables.client, tableName, txA);
    expect(stragglers.staged).toBeGreaterThan(0);
    expect(await b.readCurrent()).toEqual(v2);
    // Which of the writer's batches was held depends on timing: look for a staged edge among all.
    const edge = (await rawItems(tables.client, tableName)).find(
      (item) => item.txId === txA && item.entity === 'rule:ingress',
    )?.rule as { from: string; to: string } | undefined;
    if (edge === undefined) throw new Error('the delayed batch staged no ingress rule');
    expect((await b.callersOf(edge.to)).items).toEqual(v2.ingress.filter((e) => e.to === edge.to));
    expect((await b.calleesOf(edge.from)).items).toEqual(
      v2.ingress.filter((e) => e.from === edge.from),
    );

    gate.answer();
    expect(await writing).toBeInstanceOf(LeaseLostError);
    clock.advance(ABORTED_RETENTION_MS);
    const report = await b.collectGarbage();

    expect(report.forgottenWriters).toBe(1);
    expect(await leftoversOf(tables.client, tableName, txA)).toEqual({ staged: 0, marked: 0 });
    expect(
      (await rawItems(tables.client, tableName)).filter(
        (item) => item.entity === 'ruleset:journal',
      ),
    ).toEqual([]);
    expect((await b.status()).abortedWriters).toBe(0);
    expect(await b.readCurrent()).toEqual(v2);
    gated.destroy();
  });

  it('given a commit that DynamoDB applied but whose answer was lost, when the writer finds out, then it reports the change as committed', async () => {
    const { gated, a, b, v1 } = await setUp();
    const gate = gated.hold(isCommit);
    const nextA = changeOfA(v1);
    const writing = a.write(v1, nextA);
    await gate.reached;
    await gate.send();
    gate.answer(new Error('socket hang up'));

    expect(await writing).toEqual({ ...nextA, version: 2 });
    expect(await b.readCurrent()).toEqual({ ...nextA, version: 2 });
    expect((await b.status()).abortedWriters).toBe(0);
    gated.destroy();
  });

  it('given a staging write that fails, when the writer gives up, then it records itself aborted, removes what it staged, and the next write succeeds', async () => {
    const { gated, a, b, v1, tableName } = await setUp();
    const gate = gated.hold(isStagingBatch, 1);
    const writing = a.write(v1, changeOfA(v1)).catch((error: unknown) => error);
    await gate.reached;
    const txA = (await b.status()).lease!.txId;
    await gate.send();
    gate.answer(new Error('connection reset'));

    expect(await writing).toEqual(new Error('connection reset'));
    expect(await leftoversOf(tables.client, tableName, txA)).toEqual({ staged: 0, marked: 0 });
    expect(await b.status()).toMatchObject({ version: 1, lease: undefined, abortedWriters: 1 });
    expect(await b.readCurrent()).toEqual(v1);
    expect((await a.write(v1, changeOfB(v1))).version).toBe(2);
    gated.destroy();
  });
});
