import type { AuditEvent } from '../../../lambdas/contracts/audit-event';
import type { Caller } from '../../../lambdas/core/approvals/caller';
import { submitPromotion } from '../../../lambdas/core/promotion/stage-lane';
import {
  decideAtGate,
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
});
