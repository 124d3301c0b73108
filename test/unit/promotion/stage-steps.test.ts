import type { AuditEvent } from '../../../lambdas/contracts/audit-event';
import type { StageName } from '../../../lambdas/core/promotion/stages';
import {
  bundleIdentity,
  ensureAdmitted,
  expectedHashes,
  type PromotionTarget,
  type TargetBundle,
} from '../../../lambdas/core/promotion/targets';
import {
  applyStage,
  failStage,
  PromotionStepError,
  startStage,
  submitToStage,
  verifyStage,
  type PromotionDependencies,
} from '../../../lambdas/core/promotion/use-cases/stage-steps';
import { submitPromotion } from '../../../lambdas/core/promotion/stage-lane';
import { MemoryRecords } from './memory-records';
import { checkDrift } from '../../../lambdas/core/promotion/use-cases/drift-check';

/** A target that keeps what it was given per stage, and can be made to drift. */
class MemoryTarget implements PromotionTarget {
  readonly name = 'memory';
  readonly ownedPrefixes = ['waf/'];
  readonly held = new Map<StageName, Record<string, string>>();
  apply: PromotionTarget['apply'] = (request) => {
    ensureAdmitted(this.name, request);
    this.held.set(request.stage, expectedHashes(request.bundle, this.ownedPrefixes));
    return Promise.resolve({
      target: this.name,
      stage: request.stage,
      bundle: request.bundle.ref,
      paths: Object.keys(expectedHashes(request.bundle, this.ownedPrefixes)),
      calls: 2,
    });
  };
  readBack(stage: StageName): Promise<Record<string, string>> {
    return Promise.resolve({ ...(this.held.get(stage) ?? {}) });
  }
}

function bundleOf(version: number): TargetBundle {
  const files = new Map([
    ['waf/public-api.json', `{"version":${version}}`],
    ['kubernetes/ledger/service.ledger.ingress.yaml', `v${version}`],
  ]);
  return { ref: { version, bundleSha256: bundleIdentity(files) }, files };
}

function setUp() {
  const records = new MemoryRecords();
  const target = new MemoryTarget();
  const events: AuditEvent[] = [];
  let id = 0;
  const deps: PromotionDependencies = {
    records,
    targets: [target],
    bundles: { load: (version) => Promise.resolve(bundleOf(version)) },
    audit: {
      publish: (published) => {
        events.push(...published);
        return Promise.resolve();
      },
    },
    now: () => new Date(Date.UTC(2030, 0, 1, 0, id)),
    newId: () => `e${++id}`,
  };
  return { deps, records, target, events };
}

const step = (version: number, stage: StageName, promotionId = `p${version}`) => ({
  promotionId,
  stage,
  version,
  startedBy: 'ci@bank.example',
});

async function promoteThrough(deps: PromotionDependencies, version: number, stage: StageName) {
  await submitToStage(deps, { ...step(version, stage), kind: 'forward' });
  expect(await startStage(deps, step(version, stage))).toEqual({ status: 'started' });
  await applyStage(deps, step(version, stage));
  return verifyStage(deps, step(version, stage));
}

describe('promotion stage steps', () => {
  it('given a new bundle, when it goes through s101, then it is applied, verified, deployed in the lane and audited', async () => {
    const { deps, records, events } = setUp();

    const verified = await promoteThrough(deps, 1, 's101');

    expect(verified).toEqual({ outcome: 'verified', problems: [] });
    expect(await records.lane('s101')).toEqual({ stage: 's101', deployed: bundleOf(1).ref });
    expect(records.results.map((r) => `${r.stage}:${r.outcome}`)).toEqual([
      's101:applied',
      's101:verified',
    ]);
    expect(events.map((e) => e.action)).toEqual([
      'promotion.stage.applied',
      'promotion.stage.verified',
    ]);
    expect(events[0]?.details).toMatchObject({ stage: 's101', version: 1, calls: 2 });
  });

  it('given a bundle that skipped s101, when it is submitted to s102, then it is refused before it waits anywhere, and the refusal is audited', async () => {
    const { deps, records, events } = setUp();

    const submitted = await submitToStage(deps, { ...step(1, 's102'), kind: 'forward' });

    expect(submitted).toEqual({
      outcome: 'refused',
      reason: 'not-admitted',
      message: 'bundle v1 has no result in s101; it must pass s101 before s102',
    });
    expect(await records.lane('s102')).toEqual({ stage: 's102' });
    expect(events.at(-1)).toMatchObject({
      action: 'promotion.refused',
      outcome: 'denied',
      details: { stage: 's102', reason: 'not-admitted' },
    });
  });

  it('given proposers carried by promotions of two versions, then each version keeps its own and a range gathers them', async () => {
    const { deps, records } = setUp();
    await submitToStage(deps, { ...step(1, 's101'), kind: 'forward', proposers: ['pat'] });
    await submitToStage(deps, { ...step(1, 's101'), kind: 'forward', proposers: ['sam'] });
    await submitToStage(deps, { ...step(2, 's101'), kind: 'forward', proposers: ['kim'] });

    expect(await records.proposersBetween(0, 1)).toEqual(['pat', 'sam']);
    expect(await records.proposersBetween(1, 2)).toEqual(['kim']);
    expect(await records.proposersBetween(-1, 2)).toEqual(['kim', 'pat', 'sam']);
  });

  it('given a bundle that skipped s101 put in the s102 lane past the workflow (a bug or a bypass), when s102 applies it, then the target refuses it and nothing is recorded as applied', async () => {
    const { deps, records } = setUp();
    await records.updateLane('s102', (lane) => ({
      lane: submitPromotion(lane, {
        id: 'p1',
        stage: 's102',
        bundle: bundleOf(1).ref,
        kind: 'forward',
      }).lane,
      value: undefined,
    }));
    await startStage(deps, step(1, 's102'));

    await expect(applyStage(deps, step(1, 's102'))).rejects.toThrow(
      /memory refused s102: bundle v1 has no result in s101/,
    );
    expect(records.results).toEqual([]);

    await failStage(deps, { ...step(1, 's102'), cause: 'memory refused s102' });

    expect(await records.lane('s102')).toEqual({ stage: 's102' });
    expect(records.results.map((r) => `${r.stage}:${r.outcome}`)).toEqual(['s102:failed']);
  });

  it('given a target that drifted after applying, when the stage is verified, then it fails, the previous bundle stays deployed and the failure names the files', async () => {
    const { deps, records, target, events } = setUp();
    await promoteThrough(deps, 1, 's101');
    await submitToStage(deps, { ...step(2, 's101'), kind: 'forward' });
    await startStage(deps, step(2, 's101'));
    await applyStage(deps, step(2, 's101'));
    target.held.set('s101', { 'waf/public-api.json': 'f'.repeat(64) });

    const verified = await verifyStage(deps, step(2, 's101'));

    expect(verified.outcome).toBe('failed');
    expect(verified.problems.join('\n')).toMatch(/waf\/public-api\.json/);
    expect((await records.lane('s101')).deployed).toEqual(bundleOf(1).ref);
    expect(events.at(-1)).toMatchObject({ action: 'promotion.stage.failed', outcome: 'failure' });
  });

  it('given a promotion waiting behind one that applies, when a newer bundle arrives, then the waiting one is superseded and told so when it tries to start', async () => {
    const { deps, events } = setUp();
    await submitToStage(deps, { ...step(1, 's101'), kind: 'forward' });
    await startStage(deps, step(1, 's101'));
    await submitToStage(deps, { ...step(2, 's101'), kind: 'forward' });

    expect(await startStage(deps, step(2, 's101'))).toEqual({ status: 'busy' });
    await submitToStage(deps, { ...step(3, 's101'), kind: 'forward' });

    expect(await startStage(deps, step(2, 's101'))).toEqual({ status: 'superseded' });
    expect(events.find((e) => e.action === 'promotion.superseded')?.details).toMatchObject({
      superseded: 'p2',
      by: 'p3',
    });
  });

  it('given a promotion that does not hold the lock, when it applies or verifies, then PromotionStepError and no target is touched', async () => {
    const { deps, target } = setUp();
    await expect(applyStage(deps, step(1, 's101'))).rejects.toBeInstanceOf(PromotionStepError);
    await expect(verifyStage(deps, step(1, 's101'))).rejects.toThrow(
      'promotion p1 does not hold the s101 lock (nobody does)',
    );
    expect(target.held.size).toBe(0);
  });

  it('given an older bundle offered forward, then it is refused as stale and the refusal audited', async () => {
    const { deps, events } = setUp();
    await promoteThrough(deps, 5, 's101');

    const refused = await submitToStage(deps, { ...step(4, 's101'), kind: 'forward' });

    expect(refused).toMatchObject({ outcome: 'refused', reason: 'stale' });
    expect(events.at(-1)).toMatchObject({ action: 'promotion.refused', outcome: 'denied' });
  });
});

describe('drift checks', () => {
  it('given a stage whose target was edited by hand, then promotion.drift names the stage, the target and the file', async () => {
    const { deps, target, events } = setUp();
    await promoteThrough(deps, 1, 's101');
    target.held.set('s101', {
      'waf/public-api.json': 'e'.repeat(64),
      'waf/extra.json': 'f'.repeat(64),
    });

    const drift = await checkDrift(deps, 's101');

    expect(drift.drifted).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({
      action: 'promotion.drift',
      target: { type: 'promotion-target', id: 'memory' },
      details: {
        stage: 's101',
        version: 1,
        changed: ['waf/public-api.json'],
        unexpected: ['waf/extra.json'],
      },
    });
  });

  it('given targets that hold the recorded bundle, or a stage with nothing deployed, then no event', async () => {
    const { deps, events } = setUp();
    await promoteThrough(deps, 1, 's101');
    const before = events.length;

    expect(await checkDrift(deps, 's101')).toEqual({ stage: 's101', version: 1, drifted: [] });
    expect(await checkDrift(deps, 'prod')).toEqual({ stage: 'prod', version: null, drifted: [] });
    expect(events).toHaveLength(before);
  });
});
