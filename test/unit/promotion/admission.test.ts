import { latestResult, mayEnterStage } from '../../../lambdas/core/promotion/admission';
import { isStage, nextStage, stagesBefore, STAGES } from '../../../lambdas/core/promotion/stages';
import { bundle, passed, result } from './support';

describe('stage ordering', () => {
  it('given the stages, then they run s101, s102, prod, each after the ones before it', () => {
    expect(STAGES).toEqual(['s101', 's102', 'prod']);
    expect(stagesBefore('s101')).toEqual([]);
    expect(stagesBefore('prod')).toEqual(['s101', 's102']);
    expect(nextStage('s101')).toBe('s102');
    expect(nextStage('prod')).toBeUndefined();
  });

  it('given a string from a request, then only the three stage names are stages', () => {
    expect(isStage('prod')).toBe(true);
    expect(isStage('PROD')).toBe(false);
    expect(isStage('staging')).toBe(false);
    expect(isStage(undefined)).toBe(false);
  });
});

describe('mayEnterStage', () => {
  const v7 = bundle(7);

  it('given no results, when v7 asks to enter s101, then it may: nothing comes before s101', () => {
    expect(mayEnterStage(v7, 's101', [])).toEqual({ allowed: true });
  });

  it('given v7 verified in s101, then it may enter s102 but not prod', () => {
    const results = passed(v7, 's101');
    expect(mayEnterStage(v7, 's102', results)).toEqual({ allowed: true });
    expect(mayEnterStage(v7, 'prod', results)).toMatchObject({
      allowed: false,
      reason: 'not-passed',
      stage: 's102',
      message: 'bundle v7 has no result in s102; it must pass s101 and s102 before prod',
    });
  });

  it('given v7 verified in s101 and s102, then it may enter prod', () => {
    expect(mayEnterStage(v7, 'prod', passed(v7, 's101', 's102'))).toEqual({ allowed: true });
  });

  it('given v7 applied but not yet verified in s102, then prod refuses it', () => {
    const results = [...passed(v7, 's101'), result('s102', v7, 'applied')];
    expect(mayEnterStage(v7, 'prod', results)).toMatchObject({
      allowed: false,
      reason: 'not-passed',
      message: expect.stringContaining('was last applied in s102'),
    });
  });

  it('given v7 verified in s102 and later failed there (a re-run), then prod refuses it: the latest result counts', () => {
    const results = [...passed(v7, 's101', 's102'), result('s102', v7, 'failed')];
    expect(mayEnterStage(v7, 'prod', results)).toMatchObject({
      allowed: false,
      reason: 'not-passed',
      stage: 's102',
    });
  });

  it('given a verified and a failed result at the same instant, then the failure wins (fail closed)', () => {
    const at = '2031-01-01T00:00:00Z';
    const results = [
      ...passed(v7, 's101'),
      result('s102', v7, 'verified', at),
      result('s102', v7, 'failed', at),
    ];
    expect(mayEnterStage(v7, 'prod', results).allowed).toBe(false);
    expect(
      latestResult([result('s101', v7, 'failed', at), result('s101', v7, 'verified', at)]),
    ).toMatchObject({ outcome: 'failed' });
  });

  it('given only an older bundle passed s101 and s102, then v7 may not enter prod on its record', () => {
    expect(mayEnterStage(v7, 'prod', passed(bundle(6), 's101', 's102'))).toMatchObject({
      allowed: false,
      stage: 's101',
    });
  });

  it('given s101 recorded a different hash for v7, then the bundle is refused: its identity is in doubt', () => {
    const results = [...passed(bundle(7, 'other'), 's101'), ...passed(v7, 's101', 's102')];
    expect(mayEnterStage(v7, 'prod', results)).toMatchObject({
      allowed: false,
      reason: 'hash-mismatch',
      stage: 's101',
    });
  });

  it('given a result with an unreadable time, then it is refused rather than guessed', () => {
    const results = [...passed(v7, 's101'), result('s101', v7, 'verified', 'yesterday')];
    expect(mayEnterStage(v7, 's102', results)).toMatchObject({
      allowed: false,
      reason: 'bad-record',
    });
  });

  it('given an unknown stage name, then it is refused', () => {
    expect(mayEnterStage(v7, 'staging', [])).toEqual({
      allowed: false,
      reason: 'unknown-stage',
      message: '"staging" is not a stage',
    });
  });

  it('given results of the target stage itself, then they do not matter: a bundle may enter again', () => {
    const results = [...passed(v7, 's101', 's102'), result('prod', v7, 'failed')];
    expect(mayEnterStage(v7, 'prod', results)).toEqual({ allowed: true });
  });
});
