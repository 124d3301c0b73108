import { AuditEventSchema } from '../../../lambdas/contracts/audit-event';

const event = {
  id: '01JD6Z5YQ3',
  time: '2026-11-25T09:00:00.000Z',
  source: 'ward.registry',
  action: 'rules.changed',
  actor: { principal: 'alice@bank.example', kind: 'human', mfa: true },
  target: { type: 'rule-set', id: 'v7' },
  outcome: 'success',
  details: { added: 3 },
  correlationId: 'req-123',
};

describe('the audit event envelope', () => {
  it('given a complete event, then it is accepted as is', () => {
    expect(AuditEventSchema.parse(event)).toEqual(event);
  });

  it.each([
    ['a missing actor', { ...event, actor: undefined }, 'actor'],
    [
      'an actor kind other than human or service',
      { ...event, actor: { ...event.actor, kind: 'robot' } },
      'actor.kind',
    ],
    ['a time with a local offset', { ...event, time: '2026-11-25T09:00:00+01:00' }, 'time'],
    ['a source outside ward', { ...event, source: 'aws.ec2' }, 'source'],
    ['an unknown outcome', { ...event, outcome: 'maybe' }, 'outcome'],
    ['an extra top-level field', { ...event, severity: 'high' }, ''],
  ])('given %s, then it is refused at %j', (_what, candidate, path) => {
    const result = AuditEventSchema.safeParse(candidate);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});
