import {
  approveWaiting,
  dropWaiting,
  emptyLane,
  finishApplying,
  startNext,
  submitPromotion,
  type PromotionRequest,
  type StageLane,
  type SubmitResult,
} from '../../../lambdas/core/promotion/stage-lane';
import type { StageName } from '../../../lambdas/core/promotion/stages';
import { bundle } from './support';

const request = (
  id: string,
  version: number,
  stage: StageName = 's101',
  kind: PromotionRequest['kind'] = 'forward',
): PromotionRequest => ({
  id,
  stage,
  bundle: bundle(version),
  kind,
});
const queued = (result: SubmitResult): StageLane => {
  if (result.outcome !== 'queued') throw new Error(`expected queued, got ${result.outcome}`);
  return result.lane;
};

describe('a stage lane: supersession', () => {
  it('given an empty s101, when v7 is submitted, then it is queued and may start at once', () => {
    const lane = queued(submitPromotion(emptyLane('s101'), request('p7', 7)));
    const { lane: running, started } = startNext(lane);
    expect(started?.id).toBe('p7');
    expect(running.applying?.id).toBe('p7');
    expect(running.waiting).toBeUndefined();
  });

  it('given v7 waiting, when v8 arrives, then v8 replaces it and v7 is reported superseded', () => {
    const lane = queued(submitPromotion(emptyLane('s101'), request('p7', 7)));
    const result = submitPromotion(lane, request('p8', 8));
    expect(result).toMatchObject({ outcome: 'queued', superseded: { id: 'p7' } });
    expect(queued(result).waiting?.request.id).toBe('p8');
  });

  it('given v8 waiting, when v7 arrives late, then v7 is refused as stale', () => {
    const lane = queued(submitPromotion(emptyLane('s101'), request('p8', 8)));
    expect(submitPromotion(lane, request('p7', 7))).toMatchObject({
      outcome: 'refused',
      reason: 'stale',
    });
  });

  it('given v7 deployed, when v7 or v6 is submitted forward, then it is refused as stale and told to roll back', () => {
    const lane = emptyLane('s101', bundle(7));
    expect(submitPromotion(lane, request('p7', 7))).toMatchObject({ reason: 'stale' });
    expect(submitPromotion(lane, request('p6', 6))).toMatchObject({
      reason: 'stale',
      message: expect.stringMatching(/use a rollback/),
    });
  });

  it('given v7 deployed, when a rollback to v6 is submitted, then it is queued', () => {
    expect(
      submitPromotion(emptyLane('prod', bundle(7)), request('r6', 6, 'prod', 'rollback')),
    ).toMatchObject({ outcome: 'queued', phase: 'waiting-approval' });
  });

  it('given a rollback waiting, when a newer forward bundle arrives, then the forward one replaces it', () => {
    const lane = queued(
      submitPromotion(emptyLane('s101', bundle(7)), request('r6', 6, 's101', 'rollback')),
    );
    expect(submitPromotion(lane, request('p8', 8))).toMatchObject({
      outcome: 'queued',
      superseded: { id: 'r6' },
    });
  });

  it('given v7 waiting, when the same v7 is submitted again (a retry), then it is a duplicate, not a second promotion', () => {
    const lane = queued(submitPromotion(emptyLane('s101'), request('p7', 7)));
    expect(submitPromotion(lane, request('p7-retry', 7))).toMatchObject({
      outcome: 'duplicate',
      existing: { id: 'p7' },
    });
  });

  it('given v7 known with one hash, when v7 arrives with another, then it is refused as a conflict', () => {
    const lane = emptyLane('s101', bundle(7));
    expect(
      submitPromotion(lane, { ...request('x', 7), bundle: bundle(7, 'forged') }),
    ).toMatchObject({ reason: 'hash-conflict' });
  });

  it('given a promotion for another stage, then the lane refuses it', () => {
    expect(submitPromotion(emptyLane('s101'), request('p', 7, 's102'))).toMatchObject({
      reason: 'wrong-stage',
    });
  });
});

describe('a stage lane: never two promotions of one stage at once', () => {
  it('given v7 applying, when v8 arrives, then v8 waits and cannot start until v7 finishes', () => {
    const applying = startNext(queued(submitPromotion(emptyLane('s101'), request('p7', 7)))).lane;
    const both = queued(submitPromotion(applying, request('p8', 8)));
    expect(startNext(both)).toEqual({ lane: both });
    const released = finishApplying(both, 'p7', 'verified');
    expect(released.deployed).toEqual(bundle(7));
    expect(startNext(released).started?.id).toBe('p8');
  });

  it('given v7 applying, when v9 and then v8 arrive, then v9 waits and v8 is stale; v7 is never interrupted', () => {
    const applying = startNext(queued(submitPromotion(emptyLane('s101'), request('p7', 7)))).lane;
    const lane = queued(submitPromotion(applying, request('p9', 9)));
    expect(submitPromotion(lane, request('p8', 8))).toMatchObject({ reason: 'stale' });
    expect(lane.applying?.id).toBe('p7');
  });

  it('given v7 applying, when v6 arrives forward, then it is stale: v7 is about to be deployed', () => {
    const applying = startNext(queued(submitPromotion(emptyLane('s101'), request('p7', 7)))).lane;
    expect(submitPromotion(applying, request('p6', 6))).toMatchObject({ reason: 'stale' });
  });

  it('given a failed apply, when the lock is released, then the previously deployed bundle stays', () => {
    const applying = startNext(
      queued(submitPromotion(emptyLane('s101', bundle(6)), request('p7', 7))),
    ).lane;
    expect(finishApplying(applying, 'p7', 'failed')).toEqual({
      stage: 's101',
      deployed: bundle(6),
    });
  });

  it('given p7 holds the lock, when p8 claims to finish, then it throws: finishing another promotion is a bug', () => {
    const applying = startNext(queued(submitPromotion(emptyLane('s101'), request('p7', 7)))).lane;
    expect(() => finishApplying(applying, 'p8', 'verified')).toThrow(
      'promotion p8 does not hold the s101 lock (p7 does)',
    );
  });
});

describe('a stage lane: the production gate', () => {
  it('given v7 submitted to prod, then it waits for approval and cannot start before it', () => {
    const lane = queued(submitPromotion(emptyLane('prod'), request('p7', 7, 'prod')));
    expect(lane.waiting?.phase).toBe('waiting-approval');
    expect(startNext(lane).started).toBeUndefined();
    expect(startNext(approveWaiting(lane, 'p7')).started?.id).toBe('p7');
  });

  it('given v7 approved at the gate, when v8 arrives, then v8 replaces it and needs its own approval', () => {
    const approved = approveWaiting(
      queued(submitPromotion(emptyLane('prod'), request('p7', 7, 'prod'))),
      'p7',
    );
    const lane = queued(submitPromotion(approved, request('p8', 8, 'prod')));
    expect(lane.waiting).toEqual({ request: request('p8', 8, 'prod'), phase: 'waiting-approval' });
  });

  it('given an approval or a drop for another id, then the lane is unchanged', () => {
    const lane = queued(submitPromotion(emptyLane('prod'), request('p7', 7, 'prod')));
    expect(approveWaiting(lane, 'other')).toBe(lane);
    expect(dropWaiting(lane, 'other')).toBe(lane);
  });

  it('given a rejected or expired promotion, when it is dropped, then nothing waits any more', () => {
    const lane = queued(submitPromotion(emptyLane('prod'), request('p7', 7, 'prod')));
    expect(dropWaiting(lane, 'p7')).toEqual({ stage: 'prod' });
  });
});
