import { SEVERITIES, type Alert, type Severity } from '../../contracts/audit-alerts';
import { sha256Hex } from '../canonical-json';
import type { Finding } from './detections/detection';

/** An alert while its window is open: what the adapter keeps per dedup key (with a TTL). */
export interface OpenAlert extends Alert {
  readonly dedupKey: string;
  readonly windowEndsAtMs: number;
  /** A finding in it asked to page whatever its severity ({@link Finding.pages}). */
  readonly pagesAnySeverity?: boolean;
}

export type Topic = 'alerts' | 'page';

export interface AlertDecision {
  readonly alert: OpenAlert;
  /** `new`: first in its window; `escalated`: a worse severity joined; `counted`: only the count moved. */
  readonly change: 'new' | 'escalated' | 'counted';
  /** Where to publish now: nothing for a counted repeat, so fifty findings are one message. */
  readonly topics: readonly Topic[];
}

/** At most this many event ids travel in an alert; the command finds the rest. */
const MAX_EVENT_IDS = 20;

const rank = (severity: Severity) => SEVERITIES.indexOf(severity);

/**
 * Critical alerts page, and those whose detection asked to page; each alert pages at most once.
 */
export function topicsFor(
  severity: Severity,
  alreadyPaged: boolean,
  pagesAnySeverity = false,
): Topic[] {
  return (severity === 'critical' || pagesAnySeverity) && !alreadyPaged
    ? ['alerts', 'page']
    : ['alerts'];
}

/**
 * Groups findings by dedup key inside each detection's suppression window: the first finding
 * opens an alert (published; critical also pages), later ones inside the window only raise its
 * count, unless they raise its severity. `open` is what the adapter kept from earlier batches.
 */
export function groupFindings(
  findings: readonly Finding[],
  open: ReadonlyMap<string, OpenAlert>,
  windowMsOf: (detection: string) => number,
  now: Date,
): { decisions: AlertDecision[]; open: Map<string, OpenAlert> } {
  const alerts = new Map(open);
  const decisions = new Map<string, AlertDecision>();
  for (const finding of [...findings].sort((a, b) => a.at.localeCompare(b.at))) {
    const existing = alerts.get(finding.dedupKey);
    const atMs = Date.parse(finding.at);
    const live =
      existing !== undefined &&
      atMs <= existing.windowEndsAtMs &&
      now.getTime() <= existing.windowEndsAtMs;
    if (!live) {
      const alert = openAlert(finding, atMs + windowMsOf(finding.detection));
      alerts.set(finding.dedupKey, alert);
      decisions.set(finding.dedupKey, {
        alert,
        change: 'new',
        topics: topicsFor(alert.severity, false, alert.pagesAnySeverity),
      });
      continue;
    }
    const worse = rank(finding.severity) > rank(existing.severity);
    const alert: OpenAlert = {
      ...existing,
      count: existing.count + 1,
      lastAt: finding.at > existing.lastAt ? finding.at : existing.lastAt,
      severity: worse ? finding.severity : existing.severity,
      summary: worse ? finding.summary : existing.summary,
      events: [...new Set([...existing.events, ...finding.eventIds])].slice(0, MAX_EVENT_IDS),
      notifyTeams: [...new Set([...existing.notifyTeams, ...finding.notifyTeams])].sort(),
      ...(existing.pagesAnySeverity === true || finding.pages === true
        ? { pagesAnySeverity: true }
        : {}),
    };
    // A finding that must page joining an alert that has not paged raises it as a worse one would.
    const mustPage =
      finding.pages === true && existing.pagesAnySeverity !== true && !existing.paged;
    const previous = decisions.get(finding.dedupKey)?.change;
    const change =
      previous === 'new'
        ? 'new'
        : worse || mustPage || previous === 'escalated'
          ? 'escalated'
          : 'counted';
    alerts.set(finding.dedupKey, alert);
    decisions.set(finding.dedupKey, { alert, change, topics: [] });
  }
  // Topics are settled once per key, from the batch's final state, so one message goes out.
  for (const [key, decision] of decisions) {
    const pagedBefore = decision.change !== 'new' && (open.get(key)?.paged ?? false);
    const topics =
      decision.change === 'counted'
        ? []
        : topicsFor(decision.alert.severity, pagedBefore, decision.alert.pagesAnySeverity);
    const alert = { ...decision.alert, paged: pagedBefore || topics.includes('page') };
    alerts.set(key, alert);
    decisions.set(key, { ...decision, alert, topics });
  }
  return { decisions: [...decisions.values()], open: alerts };
}

function openAlert(finding: Finding, windowEndsAtMs: number): OpenAlert {
  const filters = [
    finding.search.actor !== undefined ? `--actor '${finding.search.actor}'` : '',
    finding.search.service !== undefined ? `--service '${finding.search.service}'` : '',
    finding.search.action !== undefined ? `--action '${finding.search.action}'` : '',
    `--since '${finding.at}'`,
  ].filter(Boolean);
  return {
    // Derived from the key and the window's start, so a retried batch makes the same alert.
    id: sha256Hex(`${finding.dedupKey}@${finding.at}`).slice(0, 20),
    dedupKey: finding.dedupKey,
    detection: finding.detection,
    severity: finding.severity,
    count: 1,
    paged: false,
    summary: finding.summary,
    events: finding.eventIds.slice(0, MAX_EVENT_IDS),
    command: `ward audit search ${filters.join(' ')}`,
    firstAt: finding.at,
    lastAt: finding.at,
    notifyTeams: [...finding.notifyTeams].sort(),
    windowEndsAtMs,
    ...(finding.pages === true ? { pagesAnySeverity: true } : {}),
  };
}
