import type { Alert } from '../../../lambdas/contracts/audit-alerts';
import { mayClaim, queueMessages, settleMessages } from '../../../lambdas/core/audit/alert-outbox';

const alert = (id: string, count = 1, severity: Alert['severity'] = 'high'): Alert => ({
  id,
  detection: 'self-approval-attempt',
  severity,
  count,
  paged: severity === 'critical',
  summary: 'alice tried to approve her own change',
  events: ['e1'],
  command: "ward audit search --actor 'alice@bank.example'",
  firstAt: '2026-11-25T09:00:00.000Z',
  lastAt: '2026-11-25T09:00:00.000Z',
  notifyTeams: [],
});

describe('the alert outbox', () => {
  it('given a new alert, then its topics are queued at the commit revision', () => {
    expect(queueMessages([], { alert: alert('a'), topics: ['alerts'] }, 1)).toEqual([
      { topic: 'alerts', alert: alert('a'), queuedAt: 1 },
    ]);
  });

  it('given a counted repeat before publishing, then the queued message carries the new count and stays queued at its revision', () => {
    const queued = queueMessages([], { alert: alert('a'), topics: ['alerts'] }, 1);
    expect(queueMessages(queued, { alert: alert('a', 2), topics: [] }, 2)).toEqual([
      { topic: 'alerts', alert: alert('a', 2), queuedAt: 1 },
    ]);
  });

  it('given an escalation while the first message is being published, then settling the first leaves the escalation queued', () => {
    const claimed = queueMessages([], { alert: alert('a'), topics: ['alerts'] }, 1);
    const escalated = queueMessages(
      claimed,
      { alert: alert('a', 2, 'critical'), topics: ['alerts', 'page'] },
      3,
    );
    expect(settleMessages(escalated, claimed)).toEqual([
      { topic: 'alerts', alert: alert('a', 2, 'critical'), queuedAt: 3 },
      { topic: 'page', alert: alert('a', 2, 'critical'), queuedAt: 3 },
    ]);
  });

  it('given an unpublished page of a closed window, when a new alert opens under the key, then the old page stays queued with its own content', () => {
    const old = queueMessages([], { alert: alert('old', 1, 'critical'), topics: ['page'] }, 1);
    const next = queueMessages(old, { alert: alert('new'), topics: ['alerts'] }, 2);
    expect(next).toEqual([
      { topic: 'page', alert: alert('old', 1, 'critical'), queuedAt: 1 },
      { topic: 'alerts', alert: alert('new'), queuedAt: 2 },
    ]);
  });

  it('claims a lease that is free, its own, or run out; never one another holds', () => {
    expect(mayClaim(undefined, 'me', 1_000)).toBe(true);
    expect(mayClaim({ owner: 'me', untilMs: 5_000 }, 'me', 1_000)).toBe(true);
    expect(mayClaim({ owner: 'other', untilMs: 5_000 }, 'me', 1_000)).toBe(false);
    expect(mayClaim({ owner: 'other', untilMs: 5_000 }, 'me', 4_999)).toBe(false);
    expect(mayClaim({ owner: 'other', untilMs: 5_000 }, 'me', 5_000)).toBe(true);
  });
});
