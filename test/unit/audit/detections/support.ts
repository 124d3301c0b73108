import type { AuditEvent } from '../../../../lambdas/contracts/audit-event';
import { normaliseCloudTrailEvent } from '../../../../lambdas/core/audit/cloudtrail';
import { enrich, type ServiceContext } from '../../../../lambdas/core/audit/enrichment';
import type { Detection } from '../../../../lambdas/core/audit/detections/detection';
import { normaliseKubernetesAuditEvents } from '../../../../lambdas/core/audit/k8s-audit';
import { auditFixture } from '../fixtures';

export const NOW = new Date('2026-11-25T09:30:00.000Z');

export const config = {
  auditBuckets: ['ward-audit-archive-prod'],
  auditRules: ['ward-audit-to-archive'],
  breakGlassRoleArns: ['arn:aws:iam::111122223333:role/ward-break-glass-network'],
  wardKubernetesPrincipals: ['system:serviceaccount:argocd:argocd-application-controller'],
};

export function wardEvent(overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    id: 'e1',
    time: '2026-11-25T09:00:00.000Z',
    source: 'ward.approvals',
    action: 'change.proposed',
    actor: { principal: 'alice@bank.example', kind: 'human', mfa: true },
    target: { type: 'change', id: 'chg-1' },
    outcome: 'success',
    details: {},
    correlationId: 'r1',
    ...overrides,
  };
}

/** Enriched with a fixed registry: ledger is finance's and critical, catalog is standard. */
export function enriched(event: AuditEvent) {
  const services = new Map<string, ServiceContext>([
    ['service.ledger', { service: 'service.ledger', team: 'finance', tier: 'critical' }],
    ['service.catalog', { service: 'service.catalog', team: 'shop', tier: 'standard' }],
  ]);
  return enrich(event, {
    services: new Map(
      [...services].map(([name, value]) => [name, { status: 'found' as const, value }]),
    ),
    actorTeams: new Map([
      [event.actor.principal, { status: 'found' as const, value: ['finance'] }],
    ]),
  });
}

export function cloudTrail(
  path: string,
  change: (detail: Record<string, unknown>) => void = () => {},
) {
  const input = auditFixture(path);
  change(input.detail as Record<string, unknown>);
  const result = normaliseCloudTrailEvent(input);
  if (!result.ok) throw new Error(result.rejection.message);
  return enriched(result.event);
}

export function kubernetes(path: string) {
  return normaliseKubernetesAuditEvents(auditFixture(path), 'prod-eu').events.map(enriched);
}

/** Runs one detection on events in order, threading its state as the adapter would. */
export function run<S>(detection: Detection<S>, events: ReturnType<typeof enriched>[], now = NOW) {
  let state: S | undefined;
  const findings = [];
  for (const event of events) {
    if (!detection.matches(event)) continue;
    const result = detection.evaluate(event, state, now);
    findings.push(...result.findings);
    if (detection.stateKey?.(event) !== undefined) state = result.state;
  }
  return findings;
}
