import type { Alert } from '../../../lambdas/contracts/audit-alerts';
import type { AuditEvent } from '../../../lambdas/contracts/audit-event';
import { BreakGlassAuditAction } from '../../../lambdas/contracts/audit-sources';
import type { Topic } from '../../../lambdas/core/audit/alerts';
import { createDetections } from '../../../lambdas/core/audit/detections';
import type { EnrichmentPorts } from '../../../lambdas/core/audit/enrichment';
import {
  DynamoAlertOutbox,
  type AlertOutboxPort,
} from '../../../lambdas/adapters/audit/dynamo-alert-outbox';
import { DynamoDetectionStore } from '../../../lambdas/adapters/audit/dynamo-detection-store';
import type { AlertPublisherPort } from '../../../lambdas/adapters/audit/sns-alert-publisher';
import {
  detectAndAlert,
  type DetectionPipelineDependencies,
} from '../../../lambdas/handlers/audit/detection-pipeline';
import { useRegistryTables } from '../../support/registry-table';

const tables = useRegistryTables('audit');
const NOW = new Date('2026-11-25T09:30:00.000Z');

/**
 * Records what was published; `failNext` makes the next publish throw, as an SNS outage would;
 * `pauseNext` holds the next publish until released, as a slow SNS call would.
 */
class RecordingPublisher implements AlertPublisherPort {
  readonly messages: { topic: Topic; alert: Alert }[] = [];
  failNext = false;
  pauseNext: Gate | undefined;
  async publish(topic: Topic, alert: Alert): Promise<void> {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('SNS is down');
    }
    const pause = this.pauseNext;
    this.pauseNext = undefined;
    if (pause !== undefined) await pause.pass();
    this.messages.push({ topic, alert });
  }
}

/** A point one invocation stops at until the test lets it go on: `reached` tells it got there. */
class Gate {
  private arrive!: () => void;
  private release!: () => void;
  readonly reached = new Promise<void>((resolve) => (this.arrive = resolve));
  private readonly opened = new Promise<void>((resolve) => (this.release = resolve));
  pass(): Promise<void> {
    this.arrive();
    return this.opened;
  }
  open(): void {
    this.release();
  }
}

/** The outbox with a pause before the next claim: the gap between an invocation's commit and its publishing. */
function pausedBeforeClaim(outbox: AlertOutboxPort, gate: Gate): AlertOutboxPort {
  let paused = false;
  return {
    claim: async (...args) => {
      if (!paused) {
        paused = true;
        await gate.pass();
      }
      return outbox.claim(...args);
    },
    settle: (...args) => outbox.settle(...args),
  };
}

const enrichment: EnrichmentPorts = {
  servicesByName: () => Promise.resolve(new Map()),
  teamsOfGroups: () => Promise.resolve(new Map()),
};

async function pipeline() {
  const tableName = await tables.create();
  const store = new DynamoDetectionStore({ client: tables.client, tableName, now: () => NOW });
  const publisher = new RecordingPublisher();
  const outbox = new DynamoAlertOutbox({ client: tables.client, tableName });
  const deps: DetectionPipelineDependencies = {
    detections: createDetections({
      auditBuckets: [],
      auditRules: [],
      breakGlassRoleArns: [],
      wardKubernetesPrincipals: [],
    }),
    enrichment,
    store,
    outbox,
    publisher,
    now: () => NOW,
    sleep: () => Promise.resolve(),
    maxAttempts: 100,
  };
  return { deps, store, outbox, publisher };
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

  it('given an invocation paused between its commit and its publishing, when another commits and publishes that alert meanwhile, then the alert goes out once', async () => {
    const { deps, outbox, publisher } = await pipeline();
    const gate = new Gate();
    const first = detectAndAlert({ ...deps, outbox: pausedBeforeClaim(outbox, gate) }, [event()]);
    await gate.reached;
    const second = await detectAndAlert(deps, [event()]);
    expect(second.published).toEqual([{ topic: 'alerts', alertId: expect.any(String) }]);
    gate.open();
    expect((await first).published).toEqual([]);
    expect(publisher.messages).toEqual([
      { topic: 'alerts', alert: expect.objectContaining({ count: 2 }) },
    ]);
  });

  it('given a publisher holding the lease mid-publish, when another invocation counts into that alert, then it leaves the message to the holder, which sends it once', async () => {
    const { deps, publisher } = await pipeline();
    const gate = new Gate();
    publisher.pauseNext = gate;
    const first = detectAndAlert(deps, [event()]);
    await gate.reached;
    const second = await detectAndAlert(deps, [event()]);
    expect(second.published).toEqual([]);
    gate.open();
    expect((await first).published).toEqual([{ topic: 'alerts', alertId: expect.any(String) }]);
    expect(publisher.messages).toHaveLength(1);
    const third = await detectAndAlert(deps, [event()]);
    expect(third.published).toEqual([]);
    expect(publisher.messages).toHaveLength(1);
  });

  it('given a publisher that crashed holding the lease, then the alert waits for the lease to run out and is then published once, never lost', async () => {
    const { deps, outbox, publisher } = await pipeline();
    const crashed: AlertOutboxPort = {
      claim: (...args) => outbox.claim(...args),
      settle: () => Promise.reject(new Error('the container was stopped')),
    };
    publisher.failNext = true;
    await expect(
      detectAndAlert({ ...deps, outbox: crashed, publishLeaseMs: 30_000 }, [event()]),
    ).rejects.toThrow('giving its lease back');
    const at = (ms: number) => () => new Date(NOW.getTime() + ms);
    const meanwhile = await detectAndAlert({ ...deps, now: at(29_000) }, [event()]);
    expect(meanwhile.published).toEqual([]);
    expect(publisher.messages).toEqual([]);
    const after = await detectAndAlert({ ...deps, now: at(30_000) }, [event()]);
    expect(after.published).toEqual([{ topic: 'alerts', alertId: expect.any(String) }]);
    expect(publisher.messages).toEqual([
      { topic: 'alerts', alert: expect.objectContaining({ count: 3 }) },
    ]);
  });
});
