import { registryWriteOutsideWorkflow } from '../../../../lambdas/core/audit/detections/registry-write-outside-workflow';
import { enriched, run, wardEvent } from './support';

const detection = registryWriteOutsideWorkflow();
const streamed = (action: string, details: Record<string, unknown>, target = 'v8') =>
  enriched(
    wardEvent({
      source: 'ward.registry-stream',
      action,
      actor: { principal: 'registry-writer:a1b2c3d4e5f60718', kind: 'anonymous', mfa: false },
      target: { type: 'rule-set', id: target },
      details,
    }),
  );
const commit = (writer: unknown) =>
  streamed('registry.ruleset.committed', { version: 8, commitTxId: 'a1b2c3d4e5f60718', writer });
const item = (writer: unknown) =>
  streamed(
    'registry.item.written',
    { change: 'put', txId: 'a1b2c3d4e5f60718', version: 8, writer },
    'SVC#service.ledger/IN#service.evil#v0000000008#a1b2c3d4e5f60718',
  );

describe('detection: a rule written outside the approval workflow', () => {
  it('given writes the producer recognised as the workflow or registry maintenance, then nothing is found', () => {
    const workflow = { kind: 'approval-workflow', changeId: 'chg-1', txId: 'a1b2c3d4e5f60718' };
    const gc = { kind: 'registry-maintenance', what: 'garbage-collection' };
    expect(run(detection, [commit(workflow), item(workflow), item(gc)])).toEqual([]);
  });

  it('given an item written by an unrecognised writer, then a critical finding with the reason', () => {
    const [finding] = run(detection, [
      item({
        kind: 'unrecognised',
        reason: 'writer a1b2 left no intent',
        txId: 'a1b2c3d4e5f60718',
      }),
    ]);
    expect(finding).toMatchObject({
      severity: 'critical',
      dedupKey: 'registry-write-outside-workflow:writer:a1b2c3d4e5f60718',
    });
    expect(finding?.summary).toContain('writer a1b2 left no intent');
    expect(finding?.summary).toContain('put SVC#service.ledger/IN#service.evil');
  });

  it('given a commit and its items by one unrecognised writer, then they share one dedup key (one alert, counted)', () => {
    const writer = { kind: 'unrecognised', reason: 'an import', txId: 'a1b2c3d4e5f60718' };
    const keys = run(detection, [commit(writer), item(writer), item(writer)]).map(
      (f) => f.dedupKey,
    );
    expect(new Set(keys).size).toBe(1);
    expect(keys).toHaveLength(3);
  });

  it('given an event that names no writer, or an unknown kind, then it pages (fail closed)', () => {
    expect(run(detection, [commit(undefined)])[0]?.summary).toContain('names no writer');
    expect(run(detection, [commit({ kind: 'trusted-by-me' })])).toHaveLength(1);
  });

  it('ignores events of other sources', () => {
    expect(detection.matches(enriched(wardEvent({ action: 'change.applied' })))).toBe(false);
  });
});
