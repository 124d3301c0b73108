import type { AuditEvent } from '../../../lambdas/contracts/audit-event';
import type { PromotionExecutionInput } from '../../../lambdas/contracts/promotion-contracts';
import type { Caller } from '../../../lambdas/core/approvals/caller';
import { bundleIdentity, type TargetBundle } from '../../../lambdas/core/promotion/targets';
import {
  PromotionRequestRefusedError,
  requestPromotion,
  requestRollback,
  type StartDependencies,
} from '../../../lambdas/core/promotion/use-cases/start-promotion';
import { MemoryRecords } from './memory-records';
import { passed, result } from './support';

const person = (principal: string, mfa = true, personal = true): Caller => ({
  principal,
  groups: [],
  mfa,
  personal,
});

function bundleOf(version: number): TargetBundle {
  const files = new Map([['waf/public-api.json', `{"version":${version}}`]]);
  return { ref: { version, bundleSha256: bundleIdentity(files) }, files };
}

function setUp() {
  const records = new MemoryRecords();
  const started: { id: string; input: PromotionExecutionInput }[] = [];
  const events: AuditEvent[] = [];
  let n = 0;
  const deps: StartDependencies = {
    records,
    bundles: { load: (version) => Promise.resolve(bundleOf(version)) },
    audit: {
      publish: (published) => {
        events.push(...published);
        return Promise.resolve();
      },
    },
    starter: {
      start: (id, input) => {
        started.push({ id, input });
        return Promise.resolve();
      },
    },
    now: () => new Date(Date.UTC(2030, 0, 1)),
    newId: () => `id${++n}`,
  };
  return { deps, records, started, events };
}

describe('ward promote VERSION --to STAGE', () => {
  it('given v3 verified in s101 and s102, when a person with MFA promotes it to prod, then one execution enters and ends at prod, started by them, carrying no proposers of its own', async () => {
    const { deps, records, started, events } = setUp();
    records.results.push(...passed(bundleOf(3).ref, 's101', 's102'));

    const answer = await requestPromotion(deps, {
      caller: person('sre@bank.example'),
      version: 3,
      stage: 'prod',
    });

    expect(answer).toEqual({ id: 'id1', version: 3, stage: 'prod' });
    expect(started).toEqual([
      {
        id: 'id1',
        input: {
          version: 3,
          startedBy: 'sre@bank.example',
          proposers: [],
          kind: 'forward',
          from: 'prod',
          to: 'prod',
        },
      },
    ]);
    expect(events.map((e) => `${e.action}:${e.outcome}:${e.actor.principal}`)).toEqual([
      'promotion.requested:success:sre@bank.example',
    ]);
  });

  it('given v3 verified in s101 only, when promoted to prod, then nothing starts and the refusal names s102 and is audited', async () => {
    const { deps, records, started, events } = setUp();
    records.results.push(...passed(bundleOf(3).ref, 's101'));

    await expect(
      requestPromotion(deps, { caller: person('sre@bank.example'), version: 3, stage: 'prod' }),
    ).rejects.toMatchObject({
      reason: 'not-admitted',
      message: 'bundle v3 has no result in s102; it must pass s101 and s102 before prod',
    });
    expect(started).toEqual([]);
    expect(events.map((e) => `${e.action}:${e.outcome}`)).toEqual([
      'promotion.request.refused:denied',
    ]);
  });

  it('given v3 whose s102 run failed after it verified there, when promoted to prod, then it is refused: the latest result counts', async () => {
    const { deps, records, started } = setUp();
    records.results.push(
      ...passed(bundleOf(3).ref, 's101', 's102'),
      result('s102', bundleOf(3).ref, 'failed'),
    );
    await expect(
      requestPromotion(deps, { caller: person('sre@bank.example'), version: 3, stage: 'prod' }),
    ).rejects.toThrow(/was last failed in s102/);
    expect(started).toEqual([]);
  });

  it('given v3 already deployed in s101, or waiting there, then promoting it to s101 again is refused at once, naming why', async () => {
    const { deps, records, started } = setUp();
    await records.updateLane('s101', () => ({
      lane: { stage: 's101', deployed: bundleOf(3).ref },
      value: undefined,
    }));
    await expect(
      requestPromotion(deps, { caller: person('sre@bank.example'), version: 3, stage: 's101' }),
    ).rejects.toMatchObject({ reason: 'stale', message: expect.stringMatching(/use a rollback/) });
    await records.updateLane('s101', () => ({
      lane: {
        stage: 's101',
        waiting: {
          request: { id: 'p9', stage: 's101', bundle: bundleOf(4).ref, kind: 'forward' },
          phase: 'queued',
        },
      },
      value: undefined,
    }));
    await expect(
      requestPromotion(deps, { caller: person('sre@bank.example'), version: 4, stage: 's101' }),
    ).rejects.toMatchObject({
      reason: 'already-on-its-way',
      message: 'v4 is already on its way into s101 (promotion p9)',
    });
    expect(started).toEqual([]);
  });

  it('given a service token or a person without MFA, then nothing starts', async () => {
    const { deps, started } = setUp();
    await expect(
      requestPromotion(deps, {
        caller: person('ci@bank.example', true, false),
        version: 1,
        stage: 's101',
      }),
    ).rejects.toMatchObject({ reason: 'not-a-person' });
    await expect(
      requestPromotion(deps, {
        caller: person('sre@bank.example', false),
        version: 1,
        stage: 's101',
      }),
    ).rejects.toBeInstanceOf(PromotionRequestRefusedError);
    expect(started).toEqual([]);
  });
});

describe('ward rollback --stage STAGE [--to VERSION]', () => {
  async function prodRuns(records: MemoryRecords, version: number) {
    await records.updateLane('prod', () => ({
      lane: { stage: 'prod', deployed: bundleOf(version).ref },
      value: undefined,
    }));
  }

  it('given prod runs v5 and v3 and v4 passed every stage, when rolled back without a version, then v4 is promoted back into prod as a rollback', async () => {
    const { deps, records, started } = setUp();
    for (const v of [3, 4, 5])
      records.results.push(...passed(bundleOf(v).ref, 's101', 's102', 'prod'));
    await prodRuns(records, 5);

    const answer = await requestRollback(deps, {
      caller: person('sre@bank.example'),
      stage: 'prod',
    });

    expect(answer).toMatchObject({ stage: 'prod', from: { version: 5 }, to: { version: 4 } });
    expect(started[0]?.input).toEqual({
      version: 4,
      startedBy: 'sre@bank.example',
      proposers: [],
      kind: 'rollback',
      from: 'prod',
      to: 'prod',
    });
  });

  it('given --to a version that failed in prod, then it is refused and nothing starts', async () => {
    const { deps, records, started } = setUp();
    records.results.push(
      ...passed(bundleOf(3).ref, 's101', 's102', 'prod'),
      result('prod', bundleOf(3).ref, 'failed'),
      ...passed(bundleOf(5).ref, 's101', 's102', 'prod'),
    );
    await prodRuns(records, 5);
    await expect(
      requestRollback(deps, { caller: person('sre@bank.example'), stage: 'prod', version: 3 }),
    ).rejects.toMatchObject({ reason: 'failed-here' });
    expect(started).toEqual([]);
  });

  it('given a stage that runs nothing yet, then there is nothing to roll back', async () => {
    const { deps } = setUp();
    await expect(
      requestRollback(deps, { caller: person('sre@bank.example'), stage: 's102' }),
    ).rejects.toMatchObject({ reason: 'nothing-deployed' });
  });
});
