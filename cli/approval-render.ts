import type {
  EdgeRule,
  IngressRule,
  ResourceGrant,
  Service,
  Team,
} from '../lambdas/core/model/schemas';
import { RULE_COLLECTIONS } from '../lambdas/core/rules/problems';
import { describeRule, type RuleOf } from '../lambdas/core/rules/rule-identity';
import type { ChangeView } from './api-client';
import type { CliIo } from './io';
import { paint, table } from './render';

/** One rule of a change, as a person reads it: `+ ingress service.a -> service.b (ports 8080/TCP)`. */
export function ruleLine(
  sign: '+' | '-',
  collection: (typeof RULE_COLLECTIONS)[number],
  rule: RuleOf[typeof collection],
): string {
  return `${sign} ${describeRule(collection, rule)}${ruleDetail(collection, rule)}`;
}

function ruleDetail(collection: (typeof RULE_COLLECTIONS)[number], rule: unknown): string {
  switch (collection) {
    case 'ingress': {
      const ports = (rule as IngressRule).ports;
      return ports.length === 0
        ? ' (any port)'
        : ` (ports ${ports.map((p) => `${p.port}/${p.protocol}`).join(', ')})`;
    }
    case 'grants':
      return ` [${(rule as ResourceGrant).capabilities.join(', ')}]`;
    case 'services': {
      const service = rule as Service;
      return ` (team ${service.team}, ${service.tier}, ${service.isolation})`;
    }
    case 'teams':
      return ` (group ${(rule as Team).group})`;
    case 'edgeRules': {
      const edge = rule as EdgeRule;
      const count =
        edge.geoRules.length +
        edge.rateLimits.length +
        edge.customRules.length +
        edge.managedRuleGroups.length;
      return ` (${edge.scope}, of ${edge.service}, default ${edge.defaultAction}, ${count} rules)`;
    }
    default:
      return '';
  }
}

/** Every rule a change removes, then every rule it adds. */
export function diffLines(change: ChangeView['change']): string[] {
  const lines: string[] = [];
  for (const [sign, side] of [
    ['-', change.remove],
    ['+', change.add],
  ] as const)
    for (const collection of RULE_COLLECTIONS)
      // An API older than this CLI sends no collections it does not know.
      for (const rule of (side[collection] ?? []) as readonly RuleOf[typeof collection][])
        lines.push(ruleLine(sign, collection, rule));
  return lines;
}

/** A change in a few words, for a table cell: the one rule, or counts per kind. */
export function whatOf(view: ChangeView): string {
  const lines = diffLines(view.change);
  if (lines.length === 1) return (lines[0] ?? '').replace(/ \(any port\)$/, '');
  const counts: string[] = [];
  for (const [sign, side] of [
    ['+', view.change.add],
    ['-', view.change.remove],
  ] as const)
    for (const collection of RULE_COLLECTIONS)
      if ((side[collection] ?? []).length > 0)
        counts.push(`${sign}${side[collection].length} ${collection}`);
  return counts.join(', ');
}

/** Who still has to approve: `finance 2, security 1`, or `-` when nothing is missing. */
export function missingOf(view: ChangeView): string {
  if (view.missingApprovals.length === 0) return '-';
  return view.missingApprovals.map((m) => `${m.team} ${m.approvals}`).join(', ');
}

/** An ISO time, to the minute, in UTC: the same for everyone who reads it. */
export function when(iso: string): string {
  return iso.length >= 16 ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}Z` : iso;
}

/** `ward changes`: one row per change. */
export function changesTable(views: readonly ChangeView[]): string {
  return table(
    ['id', 'state', 'proposer', 'what', 'missing approvals', 'expires'],
    views.map((view) => [
      view.id,
      view.state,
      view.proposer,
      whatOf(view),
      missingOf(view),
      view.state === 'proposed' ? when(view.expiresAt) : '-',
    ]),
  );
}

/** The impact an approver decides on; newly reachable services directly and transitively. */
export function impactLines(impact: ChangeView['impact']): string[] {
  const lines: string[] = [];
  const list = (title: string, items: readonly string[]) => {
    if (items.length > 0) lines.push(`  ${title}: ${items.join(', ')}`);
  };
  list(
    'edges added',
    impact.edgesAdded.map((e) => `${e.from} -> ${e.to}`),
  );
  list(
    'edges removed',
    impact.edgesRemoved.map((e) => `${e.from} -> ${e.to}`),
  );
  list('internet egress added', impact.egressAdded);
  list('internet egress removed', impact.egressRemoved);
  list('grants added', impact.grantsAdded);
  list('grants removed', impact.grantsRemoved);
  for (const reach of impact.newlyReachable) {
    lines.push(`  ${reach.caller} can newly reach:`);
    lines.push(`    directly      ${reach.direct.join(', ') || '(nothing new)'}`);
    lines.push(`    transitively  ${reach.transitive.join(', ') || '(nothing more)'}`);
  }
  return lines.length > 0 ? lines : ['  no service can reach anything new'];
}

/** Required, received and missing approvals. */
export function approvalLines(view: ChangeView): string[] {
  const lines = view.requiredApprovals.map(
    (r) =>
      `  needs ${r.approvals} from ${r.team} (group ${r.group})${r.because.length > 0 ? `: ${r.because.join(', ')}` : ''}`,
  );
  const counted = new Map(
    view.countedApprovals.flatMap((c) => c.principals.map((p) => [p, c.team] as const)),
  );
  for (const approval of view.approvals) {
    const team = counted.get(approval.principal);
    lines.push(
      `  approved by ${approval.principal} at ${when(approval.at)}${team !== undefined ? ` (counts for ${team})` : ' (does not count)'}`,
    );
  }
  for (const missing of view.missingApprovals)
    lines.push(
      `  missing ${missing.approvals} from ${missing.team} (members of ${missing.group} can approve)`,
    );
  return lines;
}

function stateText(io: CliIo, state: string): string {
  const colour =
    state === 'applied' || state === 'approved' ? 'green' : state === 'proposed' ? 'yellow' : 'red';
  return paint(io, colour, state);
}

/** `ward show ID`: everything an approver needs to decide, for a person. */
export function renderChange(io: CliIo, view: ChangeView): string {
  const out = [
    `${paint(io, 'bold', `change ${view.id}`)}  ${stateText(io, view.state)}${view.appliedVersion !== undefined ? ` as rule set v${view.appliedVersion}` : ''}`,
    `  proposed by ${view.proposer} at ${when(view.createdAt)} against rule set v${view.baseVersion}${view.state === 'proposed' ? `; expires ${when(view.expiresAt)}` : ''}`,
    `  why: ${view.justification.split('\n').join('\n       ')}`,
    '',
    paint(io, 'bold', 'diff'),
    ...diffLines(view.change).map((line) =>
      paint(io, line.startsWith('+') ? 'green' : 'red', `  ${line}`),
    ),
    '',
    paint(io, 'bold', 'impact'),
    ...impactLines(view.impact),
    '',
    paint(io, 'bold', 'approvals'),
    ...approvalLines(view),
    '',
    paint(io, 'bold', 'history'),
    ...view.history.map(
      (h) =>
        `  ${when(h.at)}  ${h.action} by ${h.actor}${h.detail !== undefined ? `: ${h.detail}` : ''}`,
    ),
    '',
  ];
  return out.join('\n');
}

/** After `ward request`: the id, and what the change needs before it applies. */
export function renderProposed(io: CliIo, view: ChangeView): string {
  const reach = view.impact.newlyReachable.flatMap((r) =>
    [...r.direct, ...r.transitive].length > 0
      ? [
          `  ${r.caller} would newly reach ${[...r.direct, ...r.transitive.map((t) => `${t} (through it)`)].join(', ')}`,
        ]
      : [],
  );
  return [
    `${paint(io, 'green', 'requested')} change ${paint(io, 'bold', view.id)} (${view.state}, expires ${when(view.expiresAt)})`,
    ...diffLines(view.change).map((line) => `  ${line}`),
    'needs:',
    ...view.requiredApprovals.map(
      (r) =>
        `  ${r.approvals} approval${r.approvals === 1 ? '' : 's'} from ${r.team} (group ${r.group})`,
    ),
    ...(reach.length > 0 ? ['impact:', ...reach] : []),
    `see it with "ward show ${view.id}"; withdraw it with "ward withdraw ${view.id}"`,
    '',
  ].join('\n');
}
