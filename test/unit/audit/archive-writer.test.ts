import { auditArchiveKeys } from '../../../lambdas/contracts/audit-archive';
import type { AuditEvent } from '../../../lambdas/contracts/audit-event';
import { createHash, createHmac } from 'node:crypto';
import { ArchiveStateConflictError } from '../../../lambdas/core/audit/archive-ports';
import {
  ArchiveChainBrokenError,
  appendBatch,
  writeDigest,
} from '../../../lambdas/core/audit/archive-writer';
import { watchArchive } from '../../../lambdas/core/audit/archive-watch';
import { verifyArchive } from '../../../lambdas/core/audit/archive-verifier';
import { archiveIntegrity } from '../../../lambdas/core/audit/detections/archive-integrity';
import { auditEvent } from './archive-support';
import { enriched, run } from './detections/support';
import { MemoryArchive, MemoryArchiveState } from './memory-archive';

const T0 = Date.parse('2026-11-25T09:00:00.000Z');
const MINUTE = 60_000;

/**
 * A key for these tests: it "signs" the SHA-256 it is given with an HMAC, which is what the
 * port asks of KMS (sign a digest's hash) without needing the message; the check recomputes it.
 */
function hmacKey(secret = 'k1') {
  const mac = (sha: Uint8Array) => createHmac('sha256', secret).update(sha).digest();
  return {
    signer: { keyId: 'alias/test', signSha256: (sha: Uint8Array) => Promise.resolve(mac(sha)) },
    check: (message: Uint8Array, signature: Uint8Array) =>
      mac(createHash('sha256').update(message).digest()).equals(Buffer.from(signature)),
  };
}

function setup() {
  const key = hmacKey();
  const store = new MemoryArchive();
  const state = new MemoryArchiveState();
  let clock = T0;
  const writer = { store, state, stream: 'main', now: () => new Date(clock) };
  return {
    key,
    store,
    state,
    writer,
    advance: (ms: number) => (clock += ms),
    now: () => new Date(clock),
    digest: () => writeDigest({ ...writer, signer: key.signer }),
  };
}

const events = (from: number, count: number): AuditEvent[] =>
  Array.from({ length: count }, (_, i) => auditEvent(from + i));

async function verifyAll(s: ReturnType<typeof setup>, now = s.now()) {
  return verifyArchive({
    batches: await s.store.list('batches/'),
    digests: await s.store.list('digests/'),
    history: await s.store.history(''),
    checkSignature: s.key.check,
    now,
    digestGraceMs: 10 * MINUTE,
  });
}

describe('appending batches to the archive', () => {
  it('given three batches and a digest, then the chain verifies whole', async () => {
    const s = setup();
    await appendBatch(s.writer, events(1, 2));
    s.advance(1000);
    await appendBatch(s.writer, events(3, 2));
    await appendBatch(s.writer, events(5, 1));
    const digest = await s.digest();
    expect(digest?.batches.map((b) => b.number)).toEqual([0, 1, 2]);
    expect(await verifyAll(s)).toMatchObject({ whole: true, batches: 3, events: 5, digests: 1 });
  });

  it('given a writer that died after its put, then the next one adopts that batch and goes on', async () => {
    const s = setup();
    await appendBatch(s.writer, events(1, 1));
    // The put of batch 1 happened, the record did not.
    const crashed = {
      ...s.writer,
      state: {
        ...s.state,
        head: s.state.head.bind(s.state),
        recordBatch: () => Promise.reject(new Error('crash')),
      },
    };
    await expect(appendBatch(crashed as never, events(2, 1))).rejects.toThrow('crash');
    const next = await appendBatch(s.writer, events(3, 1));
    expect(next.header.number).toBe(2);
    expect((await s.state.head('main'))?.number).toBe(2);
    await s.digest();
    expect((await verifyAll(s)).whole).toBe(true);
  });

  it('given a stranger’s object at the next number, then the writer stops rather than fork the chain', async () => {
    const s = setup();
    await appendBatch(s.writer, events(1, 1));
    s.store.overwrite(auditArchiveKeys.batch('main', 1), 'not a batch\n');
    await expect(appendBatch(s.writer, events(2, 1))).rejects.toThrow(ArchiveChainBrokenError);
    expect((await s.state.head('main'))?.number).toBe(0);
  });

  it('given a head that keeps moving, then the writer gives up with a conflict (the queue retries)', async () => {
    const s = setup();
    const racing = {
      ...s.writer,
      state: {
        ...s.state,
        head: s.state.head.bind(s.state),
        recordBatch: () => Promise.reject(new ArchiveStateConflictError('moved')),
      },
      store: { ...s.store, putNew: () => Promise.resolve('written' as const) },
      maxAttempts: 2,
    };
    await expect(appendBatch(racing as never, events(1, 1))).rejects.toThrow(
      ArchiveStateConflictError,
    );
  });
});

describe('signing digests', () => {
  it('given no batch since the last digest, then no digest', async () => {
    const s = setup();
    expect(await s.digest()).toBeUndefined();
    await appendBatch(s.writer, events(1, 1));
    expect((await s.digest())?.number).toBe(0);
    expect(await s.digest()).toBeUndefined();
    await appendBatch(s.writer, events(2, 1));
    expect(await s.digest()).toMatchObject({ number: 1, batches: [{ number: 1 }] });
  });

  it('given a batch overwritten before the digest, then the digest still holds the hash written, and verify finds both', async () => {
    const s = setup();
    const batch = await appendBatch(s.writer, events(1, 2));
    s.store.overwrite(batch.key, batch.text.replace('"outcome":"success"', '"outcome":"denied"'));
    await s.digest();
    expect((await verifyAll(s)).problems.map((p) => p.kind)).toEqual(
      expect.arrayContaining(['overwritten-object', 'altered-batch']),
    );
  });
});

describe('the scheduled verification', () => {
  async function watch(s: ReturnType<typeof setup>) {
    const raised: AuditEvent[] = [];
    const published: AuditEvent[] = [];
    const outcome = await watchArchive({
      store: s.store,
      state: s.state,
      checkSignature: s.key.check,
      stream: 'main',
      now: s.now,
      newId: () => `v${published.length + 1}`,
      digestGraceMs: 10 * MINUTE,
      sequenceSettleMs: 5 * MINUTE,
      raise: (event) => Promise.resolve(void raised.push(event)),
      publish: (list) => Promise.resolve(void published.push(...list)),
    });
    return { outcome, raised, published };
  }

  it('given a whole archive, then nothing is raised, the result is published and the checkpoint moves to the last digest', async () => {
    const s = setup();
    for (let i = 0; i < 3; i += 1) await appendBatch(s.writer, events(2 * i + 1, 2));
    await s.digest();
    await appendBatch(s.writer, events(7, 1));
    await s.digest();
    const { raised, published } = await watch(s);
    expect(raised).toEqual([]);
    expect(published).toEqual([
      expect.objectContaining({ action: 'audit.archive.verified', outcome: 'success' }),
    ]);
    expect(await s.state.verificationStart('main')).toEqual({ firstBatch: 3, firstDigest: 1 });
    s.advance(60 * MINUTE);
    expect((await watch(s)).raised).toEqual([]);
  });

  it('given the newest batch deleted (a delete marker), then the tail counts as hidden and it is raised', async () => {
    const s = setup();
    await appendBatch(s.writer, events(1, 1));
    const last = await appendBatch(s.writer, events(2, 1));
    await s.digest();
    s.store.hide(last.key);
    const { raised, outcome } = await watch(s);
    expect(outcome.report.problems).toEqual(
      expect.arrayContaining([{ kind: 'deleted-object', key: last.key }]),
    );
    expect(raised).toHaveLength(1);
    expect(raised[0]).toMatchObject({ action: 'audit.archive.verification-failed' });
    expect(await s.state.verificationStart('main')).toBeUndefined();
  });

  it('given the tail cut off above a digest, then the head the writer recorded shows the batches missing', async () => {
    const s = setup();
    await appendBatch(s.writer, events(1, 1));
    await s.digest();
    const cut = await appendBatch(s.writer, events(2, 1));
    s.store.versions.delete(cut.key);
    expect((await watch(s)).outcome.report.problems).toEqual([
      { kind: 'missing-batch', stream: 'main', number: 1 },
    ]);
  });

  it('given a producer gap whose next event arrived just now, then it waits for the settling time', async () => {
    const s = setup();
    await appendBatch(s.writer, [auditEvent(1), auditEvent(3)]);
    await s.digest();
    expect((await watch(s)).raised).toEqual([]);
    s.advance(6 * MINUTE);
    expect((await watch(s)).outcome.report.problems).toEqual([
      { kind: 'sequence-gap', producer: 'ward.approvals/env-1', missing: [{ from: 2, to: 2 }] },
    ]);
  });

  it('given batches older than the grace with no digest, then a missing digest is raised', async () => {
    const s = setup();
    await appendBatch(s.writer, events(1, 1));
    s.advance(11 * MINUTE);
    expect((await watch(s)).raised[0]?.details.problems).toEqual([
      { kind: 'missing-digest', stream: 'main', batches: [0] },
    ]);
  });
});

describe('detection: archive integrity', () => {
  it('given a failed verification, then one critical finding per stream naming the problems', () => {
    const failed = enriched({
      id: 'v1',
      time: '2026-11-25T09:00:00.000Z',
      source: 'ward.audit-archive',
      action: 'audit.archive.verification-failed',
      actor: { principal: 'ward-audit-verifier', kind: 'service', mfa: false },
      target: { type: 'audit-archive', id: 'main' },
      outcome: 'failure',
      details: {
        problemCount: 2,
        problems: [
          { kind: 'altered-batch', stream: 'main', number: 4 },
          { kind: 'sequence-gap', producer: 'ward.approvals/x', missing: [] },
        ],
      },
      correlationId: 'c',
    });
    const [finding] = run(archiveIntegrity(), [failed]);
    expect(finding).toMatchObject({
      severity: 'critical',
      dedupKey: 'archive-integrity:main',
    });
    expect(finding?.summary).toContain(
      '2 problems (altered-batch batch 4; sequence-gap ward.approvals/x)',
    );
  });

  it('given a whole verification or another source, then nothing', () => {
    const base = {
      id: 'v1',
      time: '2026-11-25T09:00:00.000Z',
      actor: { principal: 'x', kind: 'service' as const, mfa: false },
      target: { type: 'audit-archive', id: 'main' },
      details: {},
      correlationId: 'c',
    };
    expect(
      run(archiveIntegrity(), [
        enriched({
          ...base,
          source: 'ward.audit-archive',
          action: 'audit.archive.verified',
          outcome: 'success',
        }),
        enriched({
          ...base,
          source: 'ward.approvals',
          action: 'audit.archive.verification-failed',
          outcome: 'failure',
        }),
      ]),
    ).toEqual([]);
  });
});
