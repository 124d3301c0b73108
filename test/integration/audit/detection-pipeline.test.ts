import type { Alert } from '../../../lambdas/contracts/audit-alerts';
import type { AuditEvent } from '../../../lambdas/contracts/audit-event';
import { BreakGlassAuditAction } from '../../../lambdas/contracts/audit-sources';
import type { Topic } from '../../../lambdas/core/audit/alerts';
import { createDetections } from '../../../lambdas/core/audit/detections';
import type { EnrichmentPorts } from '../../../lambdas/core/audit/enrichment';
import { DynamoDetectionStore } from '../../../lambdas/adapters/audit/dynamo-detection-store';
import type { AlertPublisherPort } from '../../../lambdas/adapters/audit/sns-alert-publisher';
import {
  detectAndAlert,
  type DetectionPipelineDependencies,
} from '../../../lambdas/handlers/audit/detection-pipeline';
import { useRegistryTables } from '../../support/registry-table';

const tables = useRegistryTables('audit');
const NOW = new Date('2026-11-25T09:30:00.000Z');

/** Records what was published; `failNext` makes the next publish throw, as an SNS outage would. */
class RecordingPublisher implements AlertPublisherPort {
  readonly messages: { topic: Topic; alert: Alert }[] = [];
  failNext = false;
  publish(topic: Topic, alert: Alert): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      return Promise.reject(new Error('SNS is down'));
    }
    this.messages.push({ topic, alert });
    return Promise.resolve();
  }
}

const enrichment: EnrichmentPorts = {
  servicesByName: () => Promise.resolve(new Map()),
  teamsOfActors: () => Promise.resolve(new Map()),
};

async function pipeline() {
  const tableName = await tables.create();
  const store = new DynamoDetectionStore({ client: tables.client, tableName, now: () => NOW });
  const publisher = new RecordingPublisher();
  const deps: DetectionPipelineDependencies = {
    detections: createDetections({
      auditBuckets: [],
      auditRules: [],
      breakGlassRoleArns: [],
      wardKubernetesPrincipals: [],
    }),
    enrichment,
    store,
    publisher,
    now: () => NOW,
    sleep: () => Promise.resolve(),
    maxAttempts: 100,
  };
  return { deps, store, publisher };
}

let sequence = 0;
function event(overrides: Partial<AuditEvent> = {}): AuditEvent {
  sequence += 1;
  return {
    id: `evt-${sequence}`,
    time: new Date(NOW.getTime() - 60_000 + sequence).toISOString(),
    source: 'ward.approvals',
    action: 'change.approval.refused',
    actor: { principal: 'pat@bank.example', kind: 'human', mfa: true },
    target: { type: 'change', id: 'chg-1' },
    outcome: 'denied',
    details: { reason: 'own-change' },
    correlationId: 'r1',
    ...overrides,
  };
}

describe('the detection pipeline on DynamoDB Local', () => {
  it('given one self-approval attempt, then one high alert on the alerts topic and none on the page topic', async () => {
    const { deps, publisher, store } = await pipeline();
    const outcome = await detectAndAlert(deps, [event()]);
    expect(outcome.published).toEqual([{ topic: 'alerts', alertId: expect.any(String) }]);
    expect(publisher.messages[0]!.alert).toMatchObject({
      detection: 'self-approval-attempt',
      severity: 'high',
      count: 1,
      paged: false,
    });
    expect(await store.listAlerts(new Date(NOW.getTime() - 3_600_000), NOW)).toHaveLength(1);
  });

  it('given fifty attempts in twenty concurrent invocations, then one alert with a count of fifty, published once', async () => {
    const { deps, publisher, store } = await pipeline();
    const events = Array.from({ length: 50 }, () => event());
    await Promise.all(
      Array.from({ length: 20 }, async (_, worker) => {
        for (let i = worker; i < events.length; i += 20) await detectAndAlert(deps, [events[i]!]);
      }),
    );
    const selfApproval = publisher.messages.filter(
      (m) => m.alert.detection === 'self-approval-attempt',
    );
    expect(selfApproval).toHaveLength(1);
    const stored = (await store.listAlerts(new Date(NOW.getTime() - 3_600_000), NOW)).filter(
      (a) => a.detection === 'self-approval-attempt',
    );
    expect(stored).toEqual([expect.objectContaining({ count: 50, severity: 'high' })]);
    // The same fifty are refusals too: the windowed detection counted them, none lost.
    const refusals = (await store.listAlerts(new Date(NOW.getTime() - 3_600_000), NOW)).filter(
      (a) => a.detection === 'repeated-refusals',
    );
    expect(refusals).toEqual([expect.objectContaining({ count: 46 })]);
  });

  it('given break glass and a failing page topic, then the retry pages, once, with the same alert id', async () => {
    const { deps, publisher } = await pipeline();
    const used = event({
      source: 'ward.break-glass',
      action: BreakGlassAuditAction.granted,
      outcome: 'success',
      target: { type: 'service', id: 'service.ledger' },
      details: { reason: 'incident 42' },
    });
    publisher.failNext = true;
    await expect(detectAndAlert(deps, [used])).rejects.toThrow('SNS is down');
    await detectAndAlert(deps, [used]);
    expect(publisher.messages.map((m) => m.topic).sort()).toEqual(['alerts', 'page']);
    expect(new Set(publisher.messages.map((m) => m.alert.id)).size).toBe(1);
    expect(publisher.messages.find((m) => m.topic === 'page')!.alert).toMatchObject({
      detection: 'break-glass-used',
      severity: 'critical',
      paged: true,
    });
    await detectAndAlert(deps, [event({ ...used, id: 'evt-again' })]);
    expect(publisher.messages).toHaveLength(2);
  });
});
