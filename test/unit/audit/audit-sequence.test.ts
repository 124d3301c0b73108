import { AuditEventSchema } from '../../../lambdas/contracts/audit-event';
import { createSequencer } from '../../../lambdas/core/audit/sequencer';

const event = {
  id: 'e1',
  time: '2026-11-25T09:00:00.000Z',
  source: 'ward.approvals',
  action: 'change.proposed',
  actor: { principal: 'alice', kind: 'human', mfa: true },
  target: { type: 'change', id: 'c1' },
  outcome: 'success',
  details: {},
  correlationId: 'r1',
};

describe('the per-producer sequence on the envelope', () => {
  it('given an event without a sequence, then it is still valid (producers adopt it one by one)', () => {
    expect(AuditEventSchema.safeParse(event).success).toBe(true);
  });

  it('given a sequence, then it is kept', () => {
    const sequence = { producer: 'ward.approvals/env-1', number: 7 };
    expect(AuditEventSchema.parse({ ...event, sequence }).sequence).toEqual(sequence);
  });

  it.each([
    ['number 0', { producer: 'p', number: 0 }],
    ['a fractional number', { producer: 'p', number: 1.5 }],
    ['an empty producer', { producer: '', number: 1 }],
    ['an extra field', { producer: 'p', number: 1, epoch: 2 }],
  ])('given %s, then the event is refused at sequence', (_what, sequence) => {
    const result = AuditEventSchema.safeParse({ ...event, sequence });
    expect(result.error?.issues[0]?.path[0]).toBe('sequence');
  });

  it('given a sequencer, then it counts from 1 for its producer', () => {
    const next = createSequencer('ward.api/env-2');
    expect([next(), next(), next()].map((s) => s.number)).toEqual([1, 2, 3]);
    expect(() => createSequencer('')).toThrow('producer');
  });
});
