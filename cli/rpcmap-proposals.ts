import type { EgressRule, IngressRule } from '../lambdas/core/model/schemas';
import { parseChange } from '../lambdas/core/rules/change';
import { RuleSetValidationError } from '../lambdas/core/rules/problems';
import type { RuleSet } from '../lambdas/core/rules/rule-set';
import type { RpcmapDiff } from '../rpcmap/diff';
import type { Evidence } from '../rpcmap/model';
import type { ChangeView } from './api-client';

/** The API's limit on a justification. */
export const JUSTIFICATION_LIMIT = 2_000;
const SNIPPET_LIMIT = 100;

/** One finding the rules lack, with where the code makes it. */
export interface Finding {
  readonly rule:
    | { readonly kind: 'ingress'; readonly from: string; readonly to: string }
    | {
        readonly kind: 'egress';
        readonly service: string;
        readonly host: string;
        readonly port: number;
      };
  readonly evidence: readonly Evidence[];
}

/** One change request to open: everything one team approves, and why. */
export interface TeamProposal {
  readonly team: string;
  readonly findings: readonly Finding[];
  readonly justification: string;
}

/** A finding no change can be asked for (a service the rules do not know, an invalid host). */
export interface SkippedFinding {
  readonly what: string;
  readonly reason: string;
}

/** `service.a -> service.b` or `service.a -> api.x.com:443 (internet)`. */
export function findingName(finding: Finding): string {
  const rule = finding.rule;
  return rule.kind === 'ingress'
    ? `${rule.from} -> ${rule.to}`
    : `${rule.service} -> ${rule.host}:${rule.port} (internet)`;
}

/** The rules a proposal adds, in the API's shape. */
export function addedRules(proposal: TeamProposal): {
  ingress: IngressRule[];
  egress: EgressRule[];
} {
  const ingress: IngressRule[] = [];
  const egress: EgressRule[] = [];
  for (const { rule } of proposal.findings) {
    if (rule.kind === 'ingress') ingress.push({ from: rule.from, to: rule.to, ports: [] });
    else egress.push({ service: rule.service, host: rule.host, port: rule.port });
  }
  return { ingress, egress };
}

/**
 * Groups what the code does and the rules lack into one proposal per team that must approve
 * it: a call by the callee's owning team, an internet host by the calling service's team
 * (the team that owns the service asking). Findings about services the rules do not know, or
 * that core would refuse, are skipped with the reason rather than sent to be refused.
 */
export function proposalsFrom(
  diff: Pick<RpcmapDiff, 'notAllowed' | 'egressNotAllowed'>,
  rules: RuleSet,
): { proposals: TeamProposal[]; skipped: SkippedFinding[] } {
  const teamOf = new Map(rules.services.map((s) => [s.name, s.team]));
  const byTeam = new Map<string, Finding[]>();
  const skipped: SkippedFinding[] = [];
  const consider = (finding: Finding, owner: string, subjects: readonly string[]) => {
    const unknown = subjects.filter((name) => !teamOf.has(name));
    if (unknown.length > 0) {
      skipped.push({
        what: findingName(finding),
        reason: `${unknown.join(' and ')} ${unknown.length === 1 ? 'is' : 'are'} not in the rules; add ${unknown.length === 1 ? 'it' : 'them'} to the fleet first`,
      });
      return;
    }
    try {
      parseChange({ add: addedRules({ team: '', findings: [finding], justification: '' }) });
    } catch (error) {
      if (!(error instanceof RuleSetValidationError)) throw error;
      skipped.push({
        what: findingName(finding),
        reason: error.problems.map((p) => p.message).join('; '),
      });
      return;
    }
    const team = teamOf.get(owner) ?? '';
    byTeam.set(team, [...(byTeam.get(team) ?? []), finding]);
  };
  for (const edge of diff.notAllowed)
    consider(
      { rule: { kind: 'ingress', from: edge.from, to: edge.to }, evidence: edge.evidence },
      edge.to,
      [edge.from, edge.to],
    );
  for (const found of diff.egressNotAllowed)
    consider(
      {
        rule: { kind: 'egress', service: found.from, host: found.host, port: found.port },
        evidence: found.evidence,
      },
      found.from,
      [found.from],
    );
  const proposals = [...byTeam]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([team, findings]) => {
      const sorted = [...findings].sort((a, b) => findingName(a).localeCompare(findingName(b)));
      return { team, findings: sorted, justification: justificationFor(team, sorted) };
    });
  return { proposals, skipped };
}

/**
 * Leaves out findings a change still waiting (proposed or approved, not yet applied) already
 * asks for, so running `ward rpcmap propose` on every commit opens each request once.
 */
export function withoutPending(
  proposal: TeamProposal,
  pending: readonly ChangeView[],
): { proposal?: TeamProposal; alreadyRequested: { what: string; change: string }[] } {
  const asked = new Map<string, string>();
  for (const view of pending) {
    for (const r of view.change.add.ingress) asked.set(`${r.from} -> ${r.to}`, view.id);
    for (const r of view.change.add.egress)
      asked.set(`${r.service} -> ${r.host}:${r.port} (internet)`, view.id);
  }
  const alreadyRequested = proposal.findings.flatMap((f) => {
    const change = asked.get(findingName(f));
    return change === undefined ? [] : [{ what: findingName(f), change }];
  });
  const rest = proposal.findings.filter((f) => !asked.has(findingName(f)));
  if (rest.length === 0) return { alreadyRequested };
  return {
    proposal:
      rest.length === proposal.findings.length
        ? proposal
        : {
            team: proposal.team,
            findings: rest,
            justification: justificationFor(proposal.team, rest),
          },
    alreadyRequested,
  };
}

/**
 * The justification of a team's request: each call with the code that makes it. It must fit
 * the API's limit, so every finding gets its first place in the code before any finding gets
 * a second, and what does not fit is counted at the end rather than cut mid-line.
 */
export function justificationFor(
  team: string,
  findings: readonly Finding[],
  limit = JUSTIFICATION_LIMIT,
): string {
  const header = `ward rpcmap found ${findings.length} call${findings.length === 1 ? '' : 's'} in the code that the rules do not allow; team ${team} approves ${findings.length === 1 ? 'it' : 'them'}.`;
  // Room kept for the lines that say what was left out.
  const footerRoom = 160;
  let used = header.length;
  const shown: { title: string; lines: string[] }[] = [];
  for (const finding of findings) {
    const title = `\n- ${findingName(finding)}`;
    const first = finding.evidence[0];
    const cost = title.length + (first === undefined ? 0 : evidenceText(first).length);
    if (used + cost > limit - footerRoom) break;
    used += cost;
    shown.push({ title, lines: first === undefined ? [] : [evidenceText(first)] });
  }
  // Further places in the code, one round per finding, while they fit.
  for (let round = 1; ; round += 1) {
    let added = false;
    shown.forEach((entry, i) => {
      const next = findings[i]?.evidence[round];
      if (next === undefined) return;
      const text = evidenceText(next);
      if (used + text.length > limit - footerRoom) return;
      used += text.length;
      entry.lines.push(text);
      added = true;
    });
    if (!added) break;
  }
  const omittedFindings = findings.length - shown.length;
  const omittedPlaces = findings
    .slice(0, shown.length)
    .reduce((n, f, i) => n + f.evidence.length - (shown[i]?.lines.length ?? 0), 0);
  const footer = [
    ...(omittedFindings > 0
      ? [
          `\n(and ${omittedFindings} more call${omittedFindings === 1 ? '' : 's'}: the change lists them all)`,
        ]
      : []),
    ...(omittedPlaces > 0
      ? [
          `\n(${omittedPlaces} more place${omittedPlaces === 1 ? '' : 's'} in the code: ward rpcmap diff shows them all)`,
        ]
      : []),
  ];
  const text = [header, ...shown.flatMap((s) => [s.title, ...s.lines]), ...footer].join('');
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

function evidenceText(evidence: Evidence): string {
  const snippet =
    evidence.snippet.length > SNIPPET_LIMIT
      ? `${evidence.snippet.slice(0, SNIPPET_LIMIT - 1)}…`
      : evidence.snippet;
  const via = evidence.via !== undefined ? ` (via ${evidence.via})` : '';
  return `\n    ${evidence.file}:${evidence.line}: ${snippet}${via}`;
}
