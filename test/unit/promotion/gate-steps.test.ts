import type { AuditEvent } from '../../../lambdas/contracts/audit-event';
import type { Caller } from '../../../lambdas/core/approvals/caller';
import { submitPromotion } from '../../../lambdas/core/promotion/stage-lane';
import {
  decideAtGate,
  gateProposers,
  GateRefusedError,
  holdAtGate,
  type GateDependencies,
} from '../../../lambdas/core/promotion/use-cases/gate-steps';
import { MemoryRecords } from './memory-records';

const bundle = { version: 9, bundleSha256: 'a'.repeat(64) };
const person = (principal: string, mfa = true): Caller => ({
  principal,
  groups: [],
  mfa,
  personal: true,
});

async function atTheGate() {
  const records = new MemoryRecords();
  const events: AuditEvent[] = [];
  const released: unknown[] = [];
  const stopped: string[] = [];
  let minute = 0;
  const deps: GateDependencies = {
    records,
    targets: [],
    bundles: { load: () => Promise.reject(new Error('not needed at the gate')) },
    audit: {
      publish: (published) => {
        events.push(...published);
        return Promise.resolve();
      },
    },
    now: () => new Date(Date.UTC(2030, 0, 1, 0, minute++)),
    newId: () => `e${minute}`,
    workflow: {
      release: (token, output) => {
        released.push({ token, output });
        return Promise.resolve();
      },
      stop: (token, error) => {
        stopped.push(`${token}:${error}`);
        return Promise.resolve();
      },
    },
  };
  await records.updateLane('prod', (lane) => ({
    lane: submitPromotion(lane, { id: 'p9', stage: 'prod', bundle, kind: 'forward' }).lane,
    value: undefined,
  }));
  await holdAtGate(deps, {
    promotionId: 'p9',
    stage: 'prod',
    bundle,
    proposers: ['pat@bank.example'],
    startedBy: 'ci@bank.example',
    openedAt: new Date(Date.UTC(2030, 0, 1)).toISOString(),
    windowSeconds: 3600,
    taskToken: 'token-9',
  });
  return { deps, records, events, released, stopped };
}

describe('the production gate', () => {
  it('given a person with MFA who neither proposed nor promoted, when they approve, then the lane is approved, the workflow released and the approval audited', async () => {
    const { deps, records, events, released } = await atTheGate();

    await expect(
      decideAtGate(deps, {
        stage: 'prod',
        promotionId: 'p9',
        caller: person('sre@bank.example'),
        decision: 'approve',
      }),
    ).resolves.toEqual({ outcome: 'approved' });

    expect((await records.lane('prod')).waiting?.phase).toBe('approved');
    expect(released).toEqual([{ token: 'token-9', output: { approvedBy: 'sre@bank.example' } }]);
    expect(events.map((e) => e.action)).toEqual([
      'promotion.gate.waiting',
      'promotion.gate.approved',
    ]);
  });

  it.each([
    ['the change’s proposer', person('pat@bank.example'), 'own-change'],
    ['the promoter', person('ci@bank.example'), 'own-promotion'],
    ['a person without MFA', person('sre@bank.example', false), 'no-mfa'],
    [
      'a service identity',
      { principal: 'bot', groups: [], mfa: true, personal: false },
      'not-a-person',
    ],
  ] as const)(
    'given %s, when they approve, then GateRefusedError, nothing released, the refusal audited',
    async (_who, caller, reason) => {
      const { deps, records, events, released } = await atTheGate();

      const refused = decideAtGate(deps, {
        stage: 'prod',
        promotionId: 'p9',
        caller,
        decision: 'approve',
      });

      await expect(refused).rejects.toBeInstanceOf(GateRefusedError);
      await expect(refused).rejects.toMatchObject({ reason });
      expect(released).toEqual([]);
      expect((await records.lane('prod')).waiting?.phase).toBe('waiting-approval');
      expect(events.at(-1)).toMatchObject({ action: 'promotion.gate.refused', outcome: 'denied' });
    },
  );

  it('given a rejection, then the waiting promotion leaves the lane and the workflow stops', async () => {
    const { deps, records, stopped } = await atTheGate();

    await decideAtGate(deps, {
      stage: 'prod',
      promotionId: 'p9',
      caller: person('pat@bank.example'),
      decision: 'reject',
      reason: 'not during the freeze',
    });

    expect((await records.lane('prod')).waiting).toBeUndefined();
    expect(stopped).toEqual(['token-9:PromotionRejected']);
  });

  it('given no such promotion at the gate, then GateRefusedError not-held', async () => {
    const { deps } = await atTheGate();
    await expect(
      decideAtGate(deps, {
        stage: 'prod',
        promotionId: 'p8',
        caller: person('sre@bank.example'),
        decision: 'approve',
      }),
    ).rejects.toMatchObject({
      reason: 'not-held',
      message: 'no promotion p8 waits at the prod gate',
    });
  });

  it('given v7 deployed in prod and proposers recorded for v8 and v9, when v9 goes forward, then the gate refuses both (a bundle carries every change since), not v7’s', async () => {
    const records = new MemoryRecords();
    await records.updateLane('prod', () => ({
      lane: { stage: 'prod', deployed: { version: 7, bundleSha256: 'b'.repeat(64) } },
      value: undefined,
    }));
    await records.recordProposers(7, ['old@bank.example']);
    await records.recordProposers(8, ['kim@bank.example']);
    await records.recordProposers(9, ['pat@bank.example']);

    expect(
      await gateProposers(
        { records },
        { stage: 'prod', version: 9, kind: 'forward', carried: ['pat@bank.example'] },
      ),
    ).toEqual(['kim@bank.example', 'pat@bank.example']);
  });

  it('given v9 deployed, when rolling back to v7, then the gate refuses the proposers of the versions being undone', async () => {
    const records = new MemoryRecords();
    await records.updateLane('prod', () => ({
      lane: { stage: 'prod', deployed: { version: 9, bundleSha256: 'b'.repeat(64) } },
      value: undefined,
    }));
    for (const [version, who] of [
      [7, 'old@bank.example'],
      [8, 'kim@bank.example'],
      [9, 'pat@bank.example'],
    ] as const)
      await records.recordProposers(version, [who]);

    expect(
      await gateProposers(
        { records },
        { stage: 'prod', version: 7, kind: 'rollback', carried: [] },
      ),
    ).toEqual(['kim@bank.example', 'pat@bank.example']);
  });
});
