import { DynamoStageRecords } from '../../../lambdas/adapters/stages/dynamo-stage-records';
import { mayEnterStage, type BundleRef } from '../../../lambdas/core/promotion/admission';
import { LaneContendedError } from '../../../lambdas/core/promotion/records-port';
import {
  finishApplying,
  startNext,
  submitPromotion,
  type PromotionRequest,
} from '../../../lambdas/core/promotion/stage-lane';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { useRegistryTables } from '../../support/registry-table';

const tables = useRegistryTables('stages');

const bundle = (version: number): BundleRef => ({
  version,
  bundleSha256: `${version}`.padEnd(64, 'a'),
});
const forward = (version: number): PromotionRequest => ({
  id: `p-${version}`,
  stage: 's101',
  bundle: bundle(version),
  kind: 'forward',
});

async function records(): Promise<DynamoStageRecords> {
  return new DynamoStageRecords({ client: tables.client, tableName: await tables.create() });
}

describe('DynamoStageRecords: lanes', () => {
  it('given an empty table, when a lane is read, then it is the empty lane of that stage', async () => {
    expect(await (await records()).lane('s102')).toEqual({ stage: 's102' });
  });

  it('given 12 promotions submitted at once, when each updates the lane, then none is lost: the newest waits and every other one was superseded or refused as stale', async () => {
    const store = new DynamoStageRecords({
      client: tables.client,
      tableName: await tables.create(),
      maxAttempts: 50,
    });
    const versions = Array.from({ length: 12 }, (_, i) => i + 1);

    const outcomes = await Promise.all(
      versions.map((v) =>
        store.updateLane('s101', (lane) => {
          const submitted = submitPromotion(lane, forward(v));
          return { lane: submitted.lane, value: submitted };
        }),
      ),
    );

    const lane = await store.lane('s101');
    expect(lane.waiting?.request.bundle.version).toBe(12);
    const superseded = outcomes.flatMap((o) =>
      o.outcome === 'queued' && o.superseded ? [o.superseded.bundle.version] : [],
    );
    const stale = outcomes.flatMap((o, i) =>
      o.outcome === 'refused' && o.reason === 'stale' ? [versions[i]] : [],
    );
    // Each version either waited and was replaced by a newer one, came too late, or is the one waiting.
    expect([...superseded, ...stale, 12].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(versions);
  });

  it('given two workers racing to start the waiting promotion, then exactly one takes the lock', async () => {
    const store = await records();
    await store.updateLane('s101', (lane) => ({
      lane: submitPromotion(lane, forward(1)).lane,
      value: undefined,
    }));

    const started = await Promise.all(
      [1, 2].map(() =>
        store.updateLane('s101', (lane) => {
          const next = startNext(lane);
          return { lane: next.lane, value: next.started?.id };
        }),
      ),
    );

    expect(started.filter((id) => id !== undefined)).toEqual(['p-1']);
    expect((await store.lane('s101')).applying?.id).toBe('p-1');
  });

  it('given a transition that changes nothing, then nothing is written and its value returned', async () => {
    const store = await records();
    expect(await store.updateLane('s102', (lane) => ({ lane, value: 'unchanged' }))).toBe(
      'unchanged',
    );
    expect(await store.lane('s102')).toEqual({ stage: 's102' });
  });

  it('given a lane that always moves under the writer, then LaneContendedError after the set attempts', async () => {
    const tableName = await tables.create();
    const seed = new DynamoStageRecords({ client: tables.client, tableName });
    await seed.updateLane('s101', (lane) => ({
      lane: submitPromotion(lane, forward(1)).lane,
      value: undefined,
    }));
    // Before each of the writer's conditional writes lands, another writer moves the lane on.
    const interfering = new Proxy(tables.client, {
      get(target, property, receiver) {
        if (property !== 'send') return Reflect.get(target, property, receiver) as unknown;
        return async (command: object) => {
          if (command instanceof PutCommand)
            await target.send(
              new UpdateCommand({
                TableName: tableName,
                Key: { pk: 'STAGE#s101', sk: 'LANE' },
                UpdateExpression: 'SET revision = revision + :one',
                ExpressionAttributeValues: { ':one': 1 },
              }),
            );
          return (target.send as (c: object) => Promise<unknown>).call(target, command);
        };
      },
    });
    const store = new DynamoStageRecords({ client: interfering, tableName, maxAttempts: 3 });

    await expect(
      store.updateLane('s101', (lane) => ({
        lane: submitPromotion(lane, forward(2)).lane,
        value: undefined,
      })),
    ).rejects.toThrow(
      new LaneContendedError('the s101 lane changed under each of 3 attempts to update it'),
    );
    expect((await seed.lane('s101')).waiting?.request.id).toBe('p-1');
  });

  it('given a promotion that finished verified, then the lane records it as deployed', async () => {
    const store = await records();
    await store.updateLane('s101', (lane) => ({
      lane: startNext(submitPromotion(lane, forward(3)).lane).lane,
      value: undefined,
    }));
    await store.updateLane('s101', (lane) => ({
      lane: finishApplying(lane, 'p-3', 'verified'),
      value: undefined,
    }));
    expect(await store.lane('s101')).toEqual({ stage: 's101', deployed: bundle(3) });
  });
});

describe('DynamoStageRecords: results', () => {
  it('given results of several versions and stages, when a version’s are read, then exactly its results, stage by stage, oldest first', async () => {
    const store = await records();
    const at = (minute: number) => new Date(Date.UTC(2030, 0, 1, 0, minute)).toISOString();
    const recorded = [
      { stage: 's101' as const, ...bundle(7), outcome: 'applied' as const, at: at(1) },
      { stage: 's101' as const, ...bundle(7), outcome: 'verified' as const, at: at(2) },
      { stage: 's102' as const, ...bundle(7), outcome: 'applied' as const, at: at(3) },
      { stage: 's101' as const, ...bundle(70), outcome: 'verified' as const, at: at(4) },
      { stage: 's102' as const, ...bundle(7), outcome: 'failed' as const, at: at(5) },
    ];
    for (const result of recorded) await store.recordResult(result);

    const results = await store.resultsFor(7);

    expect(results).toEqual([recorded[0], recorded[1], recorded[2], recorded[4]]);
    // What admission makes of them: s102 failed, so prod is refused, and says why.
    expect(mayEnterStage(bundle(7), 'prod', results)).toMatchObject({
      allowed: false,
      reason: 'not-passed',
      stage: 's102',
    });
    expect(mayEnterStage(bundle(7), 's102', results)).toEqual({ allowed: true });
  });

  it('given a recorded result, when the same one is recorded again, then it is refused: results are append-only', async () => {
    const store = await records();
    const result = {
      stage: 's101' as const,
      ...bundle(1),
      outcome: 'verified' as const,
      at: '2030-01-01T00:00:00.000Z',
    };
    await store.recordResult(result);
    await expect(store.recordResult(result)).rejects.toThrow(/conditional/i);
  });
});

describe('DynamoStageRecords: proposers by version', () => {
  it('given proposers recorded for versions 9 to 12, some twice and at once, then a range gathers exactly its versions’ people, once each', async () => {
    const store = await records();
    await Promise.all([
      store.recordProposers(9, ['nine@bank.example']),
      store.recordProposers(10, ['pat@bank.example']),
      store.recordProposers(10, ['sam@bank.example', 'pat@bank.example']),
      store.recordProposers(11, ['kim@bank.example']),
      store.recordProposers(12, ['twelve@bank.example']),
    ]);

    expect(await store.proposersBetween(9, 11)).toEqual([
      'kim@bank.example',
      'pat@bank.example',
      'sam@bank.example',
    ]);
    expect(await store.proposersBetween(-1, 9)).toEqual(['nine@bank.example']);
    expect(await store.proposersBetween(11, 11)).toEqual([]);
    expect(await store.proposersBetween(12, 100)).toEqual([]);
  });
});
