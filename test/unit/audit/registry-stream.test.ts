import type { WriterIntent } from '../../../lambdas/contracts/registry-writers';
import {
  changesOf,
  registryStreamEvents,
  writersOf,
  type RegistryFacts,
  type RegistryStreamRecord,
} from '../../../lambdas/core/audit/registry-stream';

const TX = 'a1b2c3d4e5f60718';
const AT = '2026-11-25T09:00:00.000Z';
const rule = { from: 'service.feed', to: 'service.ledger', ports: [] };
const ingress = (extra: Record<string, unknown> = {}) => ({
  pk: 'SVC#service.ledger',
  sk: `IN#service.feed#v0000000008#${TX}`,
  entity: 'rule:ingress',
  rule,
  addedIn: 8,
  txId: TX,
  ...extra,
});
let sequence = 0;
const record = (
  eventName: RegistryStreamRecord['eventName'],
  images: { newImage?: Record<string, unknown>; oldImage?: Record<string, unknown> },
): RegistryStreamRecord => {
  const image = images.newImage ?? images.oldImage ?? {};
  sequence += 1;
  return {
    eventId: `e${sequence}`,
    eventName,
    at: AT,
    keys: { pk: String(image.pk), sk: String(image.sk) },
    ...images,
  };
};
const intent = (writtenFor?: { changeId: string }, baseVersion = 7): WriterIntent => ({
  txId: TX,
  baseVersion,
  createdAtMs: 0,
  ...(writtenFor ? { writtenFor } : {}),
});
const facts = (overrides: Partial<RegistryFacts> = {}): RegistryFacts => ({
  headVersion: 8,
  aborted: new Set(),
  intents: new Map([[TX, intent({ changeId: 'chg-1' })]]),
  changes: new Map([['chg-1', { state: 'applied', appliedVersion: 8 }]]),
  ...overrides,
});
const writerOf = (records: RegistryStreamRecord[], f = facts()) =>
  registryStreamEvents(records, f).map((e) => e.details.writer);

describe('registry stream: who wrote each rule item', () => {
  it('given the workflow applying an approved change, then the put, the marks and the commit are the workflow', () => {
    const put = record('INSERT', { newImage: ingress() });
    const old = ingress({
      sk: 'IN#service.feed#v0000000003#0000000000000001',
      addedIn: 3,
      txId: '0000000000000001',
    });
    const mark = record('MODIFY', {
      oldImage: old,
      newImage: {
        ...old,
        removedIn: 8,
        removedBy: TX,
        gsi2pk: 'REMOVED#03',
        gsi2sk: `v0000000008#${TX}`,
      },
    });
    const head = record('MODIFY', {
      oldImage: { pk: 'RULESET', sk: 'HEAD', version: 7, commitTxId: 'x', lease: { txId: TX } },
      newImage: { pk: 'RULESET', sk: 'HEAD', version: 8, commitTxId: TX, rulesSha256: 'ab' },
    });
    const events = registryStreamEvents([put, mark, head], facts());
    expect(events.map((e) => [e.action, e.details.change ?? null, e.details.writer])).toEqual([
      ['registry.item.written', 'put', { kind: 'approval-workflow', changeId: 'chg-1', txId: TX }],
      ['registry.item.written', 'mark', { kind: 'approval-workflow', changeId: 'chg-1', txId: TX }],
      [
        'registry.ruleset.committed',
        null,
        { kind: 'approval-workflow', changeId: 'chg-1', txId: TX },
      ],
    ]);
    expect(events[2]).toMatchObject({
      source: 'ward.registry-stream',
      id: `registry-stream:${head.eventId}`,
      details: { version: 8, changeId: 'chg-1', commitTxId: TX },
    });
    expect(events[0]!.details.rule).toEqual(rule);
  });

  it('given an item whose writer left no intent (a console edit), then it is unrecognised', () => {
    expect(
      writerOf([record('INSERT', { newImage: ingress() })], facts({ intents: new Map() })),
    ).toEqual([
      {
        kind: 'unrecognised',
        reason: `writer ${TX} left no intent: not written by Ward's registry`,
        txId: TX,
      },
    ]);
  });

  it('given a write by the registry for no change (ward registry import), then it is unrecognised', () => {
    const f = facts({ intents: new Map([[TX, intent()]]) });
    expect(writerOf([record('INSERT', { newImage: ingress() })], f)[0]).toMatchObject({
      kind: 'unrecognised',
      reason: expect.stringContaining('for no change request'),
    });
  });

  it('given a claimed change that was never approved, applied as another version, or does not exist, then unrecognised', () => {
    const put = () => record('INSERT', { newImage: ingress() });
    const judged = (changes: RegistryFacts['changes']) => writerOf([put()], facts({ changes }))[0];
    expect(judged(new Map([['chg-1', { state: 'proposed' }]]))).toMatchObject({
      kind: 'unrecognised',
    });
    expect(judged(new Map([['chg-1', { state: 'applied', appliedVersion: 5 }]]))).toMatchObject({
      kind: 'unrecognised',
      reason: 'change chg-1 is applied as v5, not approved for v8',
    });
    expect(judged(new Map())).toMatchObject({ reason: 'change chg-1 does not exist' });
    expect(judged(new Map([['chg-1', { state: 'approved' }]]))).toMatchObject({
      kind: 'approval-workflow',
    });
  });

  it('given an intent whose base does not lead to the written version, then unrecognised', () => {
    const f = facts({ intents: new Map([[TX, intent({ changeId: 'chg-1' }, 3)]]) });
    expect(writerOf([record('INSERT', { newImage: ingress() })], f)[0]).toMatchObject({
      reason: `writer ${TX} wrote version 8 on base 3`,
    });
  });

  it('given an item edited in place, or a visible item deleted, then unrecognised', () => {
    const edited = record('MODIFY', {
      oldImage: ingress(),
      newImage: ingress({ rule: { ...rule, from: 'service.evil' } }),
    });
    const deleted = record('REMOVE', { oldImage: ingress() });
    expect(writerOf([edited, deleted])).toEqual([
      expect.objectContaining({
        kind: 'unrecognised',
        reason: expect.stringContaining('edited in place (rule)'),
      }),
      expect.objectContaining({ kind: 'unrecognised', reason: 'a visible rule item was deleted' }),
    ]);
  });

  it('given garbage collection of a superseded item and the rollback of an aborted writer, then registry maintenance', () => {
    const superseded = record('REMOVE', {
      oldImage: ingress({ addedIn: 3, removedIn: 5, removedBy: '0000000000000002' }),
    });
    const rolledBack = record('REMOVE', { oldImage: ingress({ txId: 'dead000000000000' }) });
    const unmarked = record('MODIFY', {
      oldImage: ingress({ removedIn: 9, removedBy: 'dead000000000000' }),
      newImage: ingress(),
    });
    expect(
      writerOf(
        [superseded, rolledBack, unmarked],
        facts({ aborted: new Set(['dead000000000000']) }),
      ),
    ).toEqual([
      { kind: 'registry-maintenance', what: 'garbage-collection' },
      { kind: 'registry-maintenance', what: 'rollback' },
      { kind: 'registry-maintenance', what: 'rollback' },
    ]);
  });

  it('given a head moved by hand (no new commitTxId) or deleted, then unrecognised; lease bookkeeping makes no event', () => {
    const head = { pk: 'RULESET', sk: 'HEAD', version: 8, commitTxId: TX };
    const moved = record('MODIFY', { oldImage: head, newImage: { ...head, version: 9 } });
    const deleted = record('REMOVE', { oldImage: head });
    const leased = record('MODIFY', {
      oldImage: head,
      newImage: { ...head, lease: { txId: 'b' } },
    });
    expect(writerOf([moved, deleted, leased])).toEqual([
      expect.objectContaining({
        reason: 'the head moved without a new commit (commitTxId unchanged)',
      }),
      expect.objectContaining({ reason: 'the head item was deleted' }),
    ]);
  });

  it('makes no event of journals, intents, change requests or the audit pipeline’s items', () => {
    const others = [
      'TXLOG#1/PART#000000',
      'TXLOG#1/INTENT',
      'CHANGE#c/REQUEST',
      'AUDIT#OPEN#k/ALERT',
    ].map((key) => {
      const [pk, sk] = key.split('/');
      return record('INSERT', { newImage: { pk, sk, entity: 'x' } });
    });
    expect(registryStreamEvents(others, facts())).toEqual([]);
  });

  it('names the writers and changes a batch needs looked up', () => {
    const head = record('MODIFY', {
      oldImage: { pk: 'RULESET', sk: 'HEAD', version: 7 },
      newImage: { pk: 'RULESET', sk: 'HEAD', version: 8, commitTxId: 'c0' },
    });
    expect(writersOf([record('INSERT', { newImage: ingress() }), head])).toEqual([TX, 'c0']);
    expect(
      changesOf(
        new Map([
          [TX, intent({ changeId: 'chg-1' })],
          ['x', intent()],
        ]),
      ),
    ).toEqual(['chg-1']);
  });
});
