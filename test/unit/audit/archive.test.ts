import { auditArchiveKeys, GENESIS_SHA256 } from '../../../lambdas/contracts/audit-archive';
import {
  genesisPosition,
  positionAfter,
  sealBatch,
} from '../../../lambdas/core/audit/archive-batch';
import { buildDigest } from '../../../lambdas/core/audit/archive-digest';
import { verifyArchive, type StoredObject } from '../../../lambdas/core/audit/archive-verifier';
import { canonicalJson, sha256Hex } from '../../../lambdas/core/canonical-json';
import { auditEvent, buildArchive, signed, testKey } from './archive-support';

const key = testKey();
const LATER = new Date('2026-11-25T12:00:00Z');
const HOUR = 3_600_000;

function verify(
  stored: { batches: StoredObject[]; digests: StoredObject[] },
  extra: { firstBatch?: number; now?: Date; checkSignature?: typeof key.check } = {},
) {
  return verifyArchive({
    checkSignature: key.check,
    now: LATER,
    digestGraceMs: HOUR,
    ...stored,
    ...extra,
  });
}

const kinds = (report: ReturnType<typeof verify>) => report.problems.map((p) => p.kind);

describe('sealing batches into a hash chain', () => {
  it('given events, then a header line, canonical JSON lines, and hashes that link', () => {
    const first = sealBatch(genesisPosition('main'), [auditEvent(1)], new Date(0));
    const second = sealBatch(positionAfter(first), [auditEvent(2)], new Date(1000));
    const [headerLine, eventLine, end] = first.text.split('\n');
    expect(JSON.parse(headerLine!)).toEqual({
      format: 'ward.audit.batch/1',
      stream: 'main',
      number: 0,
      sealedAt: '1970-01-01T00:00:00.000Z',
      eventCount: 1,
      contentSha256: sha256Hex(`${eventLine}\n`),
      previousBatchSha256: GENESIS_SHA256,
    });
    expect(eventLine).toBe(canonicalJson(auditEvent(1)));
    expect(end).toBe('');
    expect(first.batchSha256).toBe(sha256Hex(headerLine!));
    expect(second.header).toMatchObject({ number: 1, previousBatchSha256: first.batchSha256 });
    expect(second.key).toBe('batches/main/000000000001.jsonl');
  });

  it('given the same events twice, then byte-identical batches', () => {
    const seal = () =>
      sealBatch(genesisPosition('main'), [auditEvent(1), auditEvent(2)], new Date(0));
    expect(seal().text).toBe(seal().text);
  });

  it('given no events, then no batch', () => {
    expect(() => sealBatch(genesisPosition('main'), [], new Date(0))).toThrow(RangeError);
  });

  it('given batches that are not consecutive, then no digest', () => {
    const a = sealBatch(genesisPosition('main'), [auditEvent(1)], new Date(0));
    const c = sealBatch({ ...positionAfter(a), nextNumber: 2 }, [auditEvent(2)], new Date(0));
    expect(() =>
      buildDigest({
        stream: 'main',
        previous: undefined,
        batches: [a, c],
        keyId: 'k',
        createdAt: new Date(0),
      }),
    ).toThrow('consecutive');
  });
});

describe('verifying the archive', () => {
  it('given an untouched archive, then it is whole', async () => {
    const archive = await buildArchive(key);
    const report = verify(archive.stored());
    expect(report).toEqual({
      whole: true,
      problems: [],
      batches: 6,
      events: 12,
      digests: 3,
      unsequenced: {},
    });
  });

  it('given one event changed inside a batch, then that batch is reported altered', async () => {
    const stored = (await buildArchive(key)).stored();
    stored.batches[2] = {
      ...stored.batches[2]!,
      text: stored.batches[2]!.text.replace('"outcome":"success"', '"outcome":"denied"'),
    };
    const report = verify(stored);
    expect(report.whole).toBe(false);
    expect(report.problems).toEqual([
      expect.objectContaining({ kind: 'altered-batch', stream: 'main', number: 2 }),
    ]);
  });

  it('given a batch rewritten with a recomputed header, then the digest and the next link catch it', async () => {
    const archive = await buildArchive(key);
    const original = archive.batches[2]!;
    const forged = sealBatch(
      { stream: 'main', nextNumber: 2, previousBatchSha256: original.header.previousBatchSha256 },
      [auditEvent(5)],
      new Date(original.header.sealedAt),
    );
    const stored = archive.stored();
    stored.batches[2] = { key: forged.key, text: forged.text };
    expect(kinds(verify(stored))).toEqual(
      expect.arrayContaining(['broken-link', 'altered-batch', 'sequence-gap']),
    );
  });

  it('given a batch deleted from the middle, then it is missing and its events are a sequence gap', async () => {
    const stored = (await buildArchive(key)).stored();
    stored.batches.splice(3, 1);
    const report = verify(stored);
    expect(report.problems).toEqual(
      expect.arrayContaining([
        { kind: 'missing-batch', stream: 'main', number: 3 },
        { kind: 'sequence-gap', producer: 'ward.approvals/env-1', missing: [{ from: 7, to: 8 }] },
      ]),
    );
  });

  it('given the newest digested batch deleted, then the digest shows it missing', async () => {
    const stored = (await buildArchive(key)).stored();
    stored.batches.pop();
    expect(verify(stored).problems).toEqual([{ kind: 'missing-batch', stream: 'main', number: 5 }]);
  });

  it('given two batches swapped, then both are reordered and the links break', async () => {
    const stored = (await buildArchive(key)).stored();
    const [b1, b2] = [stored.batches[1]!, stored.batches[2]!];
    stored.batches[1] = { key: b1.key, text: b2.text };
    stored.batches[2] = { key: b2.key, text: b1.text };
    const report = verify(stored);
    expect(report.problems.filter((p) => p.kind === 'reordered-batch')).toHaveLength(2);
    expect(kinds(report)).toContain('broken-link');
  });

  it('given a digest deleted, then it is missing and its batches are undigested', async () => {
    const stored = (await buildArchive(key)).stored();
    stored.digests.splice(1, 1);
    expect(verify(stored).problems).toEqual(
      expect.arrayContaining([
        { kind: 'missing-digest', stream: 'main', digest: 1 },
        { kind: 'missing-digest', stream: 'main', batches: [2, 3] },
      ]),
    );
  });

  it('given a digest signed by another key, then a bad signature', async () => {
    const stored = (await buildArchive(key)).stored();
    const report = verify(stored, { checkSignature: testKey().check });
    expect(report.problems.filter((p) => p.kind === 'bad-signature')).toHaveLength(3);
  });

  it('given a digest with its body edited after signing, then a bad signature', async () => {
    const stored = (await buildArchive(key)).stored();
    stored.digests[0] = {
      ...stored.digests[0]!,
      text: stored.digests[0]!.text.replace('2026-11-25T09:01:30.000Z', '2026-11-25T09:01:31.000Z'),
    };
    expect(kinds(verify(stored))).toEqual(expect.arrayContaining(['bad-signature']));
  });

  it('given a validly signed digest that does not link to the one before, then its link breaks, and so does the next one (it linked to the original)', async () => {
    const archive = await buildArchive(key);
    const replacement = { ...archive.digests[1]!.body, previousDigestSha256: 'f'.repeat(64) };
    const stored = archive.stored();
    stored.digests[1] = await signed(key, replacement);
    expect(verify(stored).problems).toEqual([
      { kind: 'broken-digest-link', stream: 'main', digest: 1 },
      { kind: 'broken-digest-link', stream: 'main', digest: 2 },
    ]);
  });

  it('given batches sealed after the last digest, then they are missing a digest only after the grace', async () => {
    const stored = (await buildArchive(key, 5)).stored();
    expect(verify(stored, { now: new Date('2026-11-25T09:30:00Z') }).whole).toBe(true);
    expect(verify(stored).problems).toEqual([
      { kind: 'missing-digest', stream: 'main', batches: [4] },
    ]);
  });

  it('given an event dropped before it was archived, then a gap in its producer’s numbering', () => {
    const events = [auditEvent(1), auditEvent(2), auditEvent(4)];
    const batch = sealBatch(genesisPosition('main'), events, LATER);
    const report = verify({ batches: [batch], digests: [] });
    expect(report.problems).toEqual([
      { kind: 'sequence-gap', producer: 'ward.approvals/env-1', missing: [{ from: 3, to: 3 }] },
    ]);
  });

  it('given two events claiming one number, then a duplicate; the same event twice is redelivery', () => {
    const injected = { ...auditEvent(2), id: 'injected' };
    const batch = sealBatch(
      genesisPosition('main'),
      [auditEvent(1), auditEvent(2), auditEvent(2), injected],
      LATER,
    );
    expect(verify({ batches: [batch], digests: [] }).problems).toEqual([
      {
        kind: 'duplicate-sequence',
        producer: 'ward.approvals/env-1',
        number: 2,
        eventIds: ['e2', 'injected'],
      },
    ]);
  });

  it('given events without a sequence, then they are counted per source, not failed', () => {
    const { sequence: _dropped, ...unsequenced } = auditEvent(1);
    const batch = sealBatch(genesisPosition('main'), [unsequenced], LATER);
    const report = verify({ batches: [batch], digests: [] });
    expect(report.whole).toBe(true);
    expect(report.unsequenced).toEqual({ 'ward.approvals': 1 });
  });

  it('given a range that starts mid-chain, then its first link and first numbers are not held against it', async () => {
    const stored = (await buildArchive(key)).stored();
    const range = { batches: stored.batches.slice(2), digests: stored.digests.slice(1) };
    expect(verify(range, { firstBatch: 2 }).whole).toBe(true);
  });

  it('given an unreadable header or a key that is not the archive’s, then malformed', async () => {
    const stored = (await buildArchive(key)).stored();
    stored.batches[0] = { ...stored.batches[0]!, text: 'not json\n' };
    stored.batches.push({ key: 'batches/main/oops.jsonl', text: '' });
    stored.digests.push({ key: auditArchiveKeys.digest('main', 9), text: '{}' });
    const found = kinds(verify(stored));
    expect(found.filter((k) => k === 'malformed-batch')).toHaveLength(2);
    expect(found).toContain('malformed-digest');
    expect(found).not.toContain('missing-batch');
  });
});
