import { compareWithTarget, describeDrift } from '../../../lambdas/core/promotion/drift';
import { chooseRollbackTarget } from '../../../lambdas/core/promotion/rollback';
import { bundle, passed, result } from './support';

describe('chooseRollbackTarget', () => {
  const history = [
    ...passed(bundle(4), 's101', 's102', 'prod'),
    ...passed(bundle(5), 's101', 's102'),
    result('prod', bundle(5), 'failed'),
    ...passed(bundle(6), 's101'),
    result('s102', bundle(6), 'failed'),
    ...passed(bundle(7), 's101', 's102', 'prod'),
    ...passed(bundle(8), 's101', 's102', 'prod'),
  ];
  const deployed = bundle(8);

  it('given prod at v8, when rolling back without a version, then the newest earlier bundle that passed staging is chosen', () => {
    expect(chooseRollbackTarget({ stage: 'prod', deployed, results: history })).toEqual({
      ok: true,
      target: bundle(7),
    });
  });

  it('given v6 failed s102, when v6 is requested, then it is refused: it never passed staging', () => {
    expect(
      chooseRollbackTarget({ stage: 'prod', deployed, results: history, requestedVersion: 6 }),
    ).toMatchObject({ ok: false, reason: 'not-passed-staging' });
  });

  it('given v5 failed in prod itself, when v5 is requested, then it is refused', () => {
    expect(
      chooseRollbackTarget({ stage: 'prod', deployed, results: history, requestedVersion: 5 }),
    ).toMatchObject({ ok: false, reason: 'failed-here' });
  });

  it('given v4, an older bundle that passed everything, when requested, then it is chosen', () => {
    expect(
      chooseRollbackTarget({ stage: 'prod', deployed, results: history, requestedVersion: 4 }),
    ).toEqual({ ok: true, target: bundle(4) });
  });

  it('given the deployed version or a newer one, or one never recorded, then it is refused', () => {
    expect(
      chooseRollbackTarget({ stage: 'prod', deployed, results: history, requestedVersion: 8 }),
    ).toMatchObject({ reason: 'not-earlier' });
    expect(
      chooseRollbackTarget({ stage: 'prod', deployed, results: history, requestedVersion: 3 }),
    ).toMatchObject({ reason: 'unknown-version' });
  });

  it('given prod at v7 and only v7 ever passed, then there is nothing to roll back to', () => {
    expect(
      chooseRollbackTarget({
        stage: 'prod',
        deployed: bundle(7),
        results: passed(bundle(7), 's101', 's102'),
      }),
    ).toMatchObject({
      ok: false,
      reason: 'none-available',
    });
  });

  it('given two bundles recorded under one version, when it is requested, then it is refused', () => {
    const results = [...history, ...passed(bundle(4, 'forged'), 's101', 's102')];
    expect(
      chooseRollbackTarget({ stage: 'prod', deployed, results, requestedVersion: 4 }),
    ).toMatchObject({ ok: false });
  });
});

describe('compareWithTarget (drift)', () => {
  const expected = { 'waf/public-api.json': 'AA', 'kubernetes/a.yaml': 'bb', 'vault/a.hcl': 'cc' };

  it('given a target reporting exactly the bundle’s hashes (any case), then it is in sync', () => {
    const report = compareWithTarget(expected, {
      'waf/public-api.json': 'aa',
      'kubernetes/a.yaml': 'BB',
      'vault/a.hcl': 'cc',
    });
    expect(report).toEqual({ inSync: true, missing: [], unexpected: [], changed: [] });
    expect(describeDrift('prod', report)).toBe('prod: in sync with its recorded bundle');
  });

  it('given a changed, a missing and an extra file, then each is reported, sorted, and described in one line', () => {
    const report = compareWithTarget(expected, {
      'waf/public-api.json': 'ff',
      'vault/a.hcl': 'cc',
      'vault/handmade.hcl': '11',
    });
    expect(report).toEqual({
      inSync: false,
      missing: ['kubernetes/a.yaml'],
      unexpected: ['vault/handmade.hcl'],
      changed: [{ path: 'waf/public-api.json', expected: 'aa', reported: 'ff' }],
    });
    expect(describeDrift('prod', report)).toBe(
      'prod: drifted from its recorded bundle: 1 changed (waf/public-api.json), 1 missing (kubernetes/a.yaml), 1 unexpected (vault/handmade.hcl)',
    );
  });

  it('given a target that owns only waf/, then other bundle files are not expected of it, but foreign files it holds are unexpected', () => {
    expect(compareWithTarget(expected, { 'waf/public-api.json': 'aa' }, ['waf/']).inSync).toBe(
      true,
    );
    expect(
      compareWithTarget(expected, { 'waf/public-api.json': 'aa', 'vault/a.hcl': 'cc' }, ['waf/'])
        .unexpected,
    ).toEqual(['vault/a.hcl']);
  });

  it('given many differences, then the description lists the first three and says there are more', () => {
    const report = compareWithTarget({ a: '1', b: '1', c: '1', d: '1' }, {});
    expect(describeDrift('s101', report)).toBe(
      's101: drifted from its recorded bundle: 4 missing (a, b, c, ...)',
    );
  });
});
