import { groupFindings, type OpenAlert } from '../../../lambdas/core/audit/alerts';
import {
  createDetections,
  runDetections,
  stateIdsFor,
} from '../../../lambdas/core/audit/detections';
import type { Finding } from '../../../lambdas/core/audit/detections/detection';
import { config, enriched, wardEvent } from './detections/support';

const finding = (second: number, overrides: Partial<Finding> = {}): Finding => ({
  detection: 'self-approval-attempt',
  severity: 'high',
  dedupKey: 'self-approval-attempt:alice@bank.example',
  summary: 'alice tried to approve her own change',
  eventIds: [`e${second}`],
  at: new Date(Date.UTC(2026, 10, 25, 9, 0, second)).toISOString(),
  notifyTeams: [],
  search: { actor: 'alice@bank.example', action: 'change.approval.refused' },
  context: {},
  ...overrides,
});
const TEN_MINUTES = 600_000;
const NOW = new Date('2026-11-25T09:01:00Z');
const group = (findings: Finding[], open = new Map<string, OpenAlert>(), now = NOW) =>
  groupFindings(findings, open, () => TEN_MINUTES, now);

describe('grouping findings into alerts', () => {
  it('given fifty findings of one key in a minute, then one alert with a count of fifty, published once', () => {
    const { decisions } = group(Array.from({ length: 50 }, (_, i) => finding(i)));
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ change: 'new', topics: ['alerts'] });
    expect(decisions[0]!.alert).toMatchObject({ count: 50, paged: false, severity: 'high' });
    expect(decisions[0]!.alert.events).toHaveLength(20);
    expect(decisions[0]!.alert.command).toBe(
      "ward audit search --actor 'alice@bank.example' --action 'change.approval.refused' --since '2026-11-25T09:00:00.000Z'",
    );
  });

  it('given a repeat in a later batch inside the window, then only the count moves and nothing is published', () => {
    const first = group([finding(0)]);
    const { decisions } = group([finding(30)], first.open);
    expect(decisions[0]).toMatchObject({ change: 'counted', topics: [], alert: { count: 2 } });
  });

  it('given a repeat after the window, then a new alert', () => {
    const first = group([finding(0)]);
    const later = new Date('2026-11-25T09:20:00Z');
    const { decisions } = group([finding(0, { at: later.toISOString() })], first.open, later);
    expect(decisions[0]).toMatchObject({ change: 'new', alert: { count: 1 } });
    expect(decisions[0]!.alert.id).not.toBe(first.decisions[0]!.alert.id);
  });

  it('given a critical finding, then alerts and page, and a repeat does not page again', () => {
    const critical = finding(0, {
      detection: 'break-glass-used',
      dedupKey: 'bg',
      severity: 'critical',
    });
    const first = group([critical]);
    expect(first.decisions[0]).toMatchObject({
      topics: ['alerts', 'page'],
      alert: { paged: true },
    });
    const again = group([{ ...critical, at: '2026-11-25T09:00:30.000Z' }], first.open);
    expect(again.decisions[0]?.topics).toEqual([]);
  });

  it('given a high finding that asks to page (drift in production), then alerts and page once; a high one that does not ask only alerts', () => {
    const paging = finding(0, { detection: 'promotion-drift', dedupKey: 'drift', pages: true });
    const first = group([paging]);
    expect(first.decisions[0]).toMatchObject({
      topics: ['alerts', 'page'],
      alert: { paged: true, severity: 'high' },
    });
    const again = group([{ ...paging, at: '2026-11-25T09:00:30.000Z' }], first.open);
    expect(again.decisions[0]?.topics).toEqual([]);
    expect(group([finding(0)]).decisions[0]?.topics).toEqual(['alerts']);
  });

  it('given a finding that asks to page joining an open alert that did not page, then it escalates to a page', () => {
    const first = group([finding(0, { detection: 'promotion-drift', dedupKey: 'drift' })]);
    const { decisions } = group(
      [finding(5, { detection: 'promotion-drift', dedupKey: 'drift', pages: true })],
      first.open,
    );
    expect(decisions[0]?.topics).toEqual(['alerts', 'page']);
  });

  it('given a worse severity joining an open alert, then it is escalated and republished (and pages if critical)', () => {
    const first = group([finding(0, { severity: 'medium' })]);
    const { decisions } = group([finding(5, { severity: 'critical' })], first.open);
    expect(decisions[0]).toMatchObject({
      change: 'escalated',
      topics: ['alerts', 'page'],
      alert: { severity: 'critical', paged: true, count: 2 },
    });
  });

  it('given the same findings twice (a retried batch), then the same alert id', () => {
    expect(group([finding(0)]).decisions[0]!.alert.id).toBe(
      group([finding(0)]).decisions[0]!.alert.id,
    );
  });
});

describe('running all detections on a batch', () => {
  const refusal = (n: number) =>
    enriched(
      wardEvent({
        id: `r${n}`,
        time: new Date(Date.UTC(2026, 10, 25, 9, 0, n)).toISOString(),
        action: 'change.approval.refused',
        outcome: 'denied',
        details: { reason: 'own-change' },
      }),
    );

  it('given five self-approval attempts in one batch, then state threads through and both detections fire', () => {
    const detections = createDetections(config);
    const events = [1, 2, 3, 4, 5].map(refusal);
    expect(stateIdsFor(detections, events)).toEqual(['repeated-refusals#alice@bank.example']);
    const run = runDetections(detections, events, new Map(), new Date('2026-11-25T09:00:06Z'));
    expect(run.errors).toEqual([]);
    expect(run.findings.filter((f) => f.detection === 'self-approval-attempt')).toHaveLength(5);
    expect(run.findings.filter((f) => f.detection === 'repeated-refusals')).toHaveLength(1);
    expect(run.states.get('repeated-refusals#alice@bank.example')).toMatchObject({
      expiresAtMs: Date.parse('2026-11-25T09:10:06Z'),
    });
    expect(group(run.findings, new Map(), new Date('2026-11-25T09:00:06Z')).decisions).toHaveLength(
      2,
    );
  });

  it('given a detection that throws, then it is reported and the others still run', () => {
    const broken = {
      ...createDetections(config)[4]!,
      name: 'broken',
      evaluate: () => {
        throw new Error('bug');
      },
    };
    const run = runDetections([broken, createDetections(config)[4]!], [refusal(1)], new Map(), NOW);
    expect(run.errors).toEqual([{ detection: 'broken', eventId: 'r1', message: 'bug' }]);
    expect(run.findings).toHaveLength(1);
  });
});
