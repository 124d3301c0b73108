import { AuditEventSchema } from '../../../lambdas/contracts/audit-event';
import { normaliseKubernetesAuditEvents } from '../../../lambdas/core/audit/k8s-audit';
import { createSequencer } from '../../../lambdas/core/audit/sequencer';
import { auditFixture, auditFixtureText } from './fixtures';

describe('normalising Kubernetes audit events from the webhook backend', () => {
  it('given a NetworkPolicy delete in two stages, then one event for the final stage and the other counted as skipped', () => {
    const batch = normaliseKubernetesAuditEvents(
      auditFixture('k8s/networkpolicy-delete.json'),
      'prod-eu',
    );
    expect(batch.rejections).toEqual([]);
    expect(batch.skipped).toEqual([
      { auditID: 'c5f48f91-d4da-4659-97eb-56bdbcd0817c', stage: 'RequestReceived' },
    ]);
    expect(batch.events).toHaveLength(1);
    const [event] = batch.events;
    expect(AuditEventSchema.parse(event)).toEqual(event);
    expect(event).toMatchObject({
      id: 'k8s:prod-eu:c5f48f91-d4da-4659-97eb-56bdbcd0817c',
      time: '2026-11-25T13:05:41.118Z',
      source: 'ward.ingest.k8s-audit',
      action: 'k8s.networkpolicies.delete',
      actor: { principal: 'mallory@bank.example', kind: 'human', mfa: false },
      target: { type: 'k8s.networkpolicies', id: 'prod-eu/ledger/ward-ingress-service-ledger' },
      outcome: 'success',
      correlationId: 'c5f48f91-d4da-4659-97eb-56bdbcd0817c',
      details: {
        origin: 'k8s.audit',
        cluster: 'prod-eu',
        verb: 'delete',
        stage: 'ResponseComplete',
        responseCode: 200,
        objectRef: { apiGroup: 'networking.k8s.io', namespace: 'ledger' },
      },
    });
  });

  it('given a service account patch and a forbidden delete, then a service actor and a denied outcome', () => {
    const { events } = normaliseKubernetesAuditEvents(
      auditFixtureText('k8s/networkpolicy-patch-by-ward.json'),
      'prod-eu',
    );
    expect(events.map((e) => [e.action, e.actor.kind, e.outcome])).toEqual([
      ['k8s.networkpolicies.patch', 'service', 'success'],
      ['k8s.networkpolicies.delete', 'human', 'denied'],
    ]);
  });

  it.each([
    [{ code: 500 }, 'ResponseComplete', 'failure'],
    [{ code: 401 }, 'ResponseComplete', 'denied'],
    [{ code: 201 }, 'ResponseComplete', 'success'],
    [{ code: 500 }, 'Panic', 'failure'],
  ])('given status %j at stage %s, then outcome %s', (responseStatus, stage, outcome) => {
    const list = auditFixture('k8s/networkpolicy-delete.json');
    const item = (list.items as Record<string, unknown>[])[1]!;
    Object.assign(item, { responseStatus, stage });
    expect(normaliseKubernetesAuditEvents(list, 'c1').events[0]?.outcome).toBe(outcome);
  });

  it('given a subresource and a non-resource request, then both are named in the action', () => {
    const list = auditFixture('k8s/networkpolicy-delete.json');
    const [, item] = list.items as Record<string, unknown>[];
    const exec = {
      ...item,
      auditID: 'a1',
      verb: 'create',
      objectRef: { resource: 'pods', subresource: 'exec', namespace: 'ledger', name: 'ledger-0' },
    };
    const health = {
      ...item,
      auditID: 'a2',
      verb: 'get',
      requestURI: '/healthz',
      objectRef: undefined,
    };
    const { events } = normaliseKubernetesAuditEvents({ ...list, items: [exec, health] }, 'c1');
    expect(events.map((e) => [e.action, e.target.id])).toEqual([
      ['k8s.pods-exec.create', 'c1/ledger/ledger-0'],
      ['k8s.nonresource.get', 'c1//healthz'],
    ]);
  });

  it('given system:anonymous, then an anonymous actor', () => {
    const list = auditFixture('k8s/networkpolicy-delete.json');
    const [, item] = list.items as Record<string, unknown>[];
    const anonymous = { ...item, user: { username: 'system:anonymous' } };
    expect(
      normaliseKubernetesAuditEvents({ ...list, items: [anonymous] }, 'c1').events[0]?.actor,
    ).toEqual({ principal: 'system:anonymous', kind: 'anonymous', mfa: false });
  });

  it('given a sequencer, then events are numbered in list order', () => {
    const { events } = normaliseKubernetesAuditEvents(
      auditFixture('k8s/networkpolicy-patch-by-ward.json'),
      'c1',
      { nextSequence: createSequencer('ward.ingest.k8s-audit/env-9') },
    );
    expect(events.map((e) => e.sequence?.number)).toEqual([1, 2]);
  });
});

describe('rejecting what is not an audit EventList', () => {
  it('given text that is not JSON, then one not-json rejection and no events', () => {
    expect(normaliseKubernetesAuditEvents('<html>', 'c1')).toEqual({
      events: [],
      skipped: [],
      rejections: [
        {
          origin: 'k8s.audit',
          reason: 'not-json',
          path: '',
          message: 'the body is not JSON',
          input: '<html>',
        },
      ],
    });
  });

  it('given the older audit.k8s.io/v1beta1, then unsupported-api-version', () => {
    const list = {
      ...auditFixture('k8s/networkpolicy-delete.json'),
      apiVersion: 'audit.k8s.io/v1beta1',
    };
    expect(normaliseKubernetesAuditEvents(list, 'c1').rejections).toEqual([
      expect.objectContaining({
        reason: 'unsupported-api-version',
        path: 'apiVersion',
        input: list,
      }),
    ]);
  });

  it('given a single Event rather than a list, then wrong-shape at kind', () => {
    const single = (auditFixture('k8s/networkpolicy-delete.json').items as unknown[])[1];
    expect(normaliseKubernetesAuditEvents(single, 'c1').rejections[0]).toMatchObject({
      reason: 'wrong-shape',
      path: 'kind',
    });
  });

  it('given one malformed item among good ones, then only that item is rejected, by index and field', () => {
    const list = auditFixture('k8s/networkpolicy-patch-by-ward.json');
    const items = list.items as Record<string, unknown>[];
    const broken = { ...items[0], user: {} };
    const batch = normaliseKubernetesAuditEvents({ ...list, items: [broken, items[1]] }, 'c1');
    expect(batch.events).toHaveLength(1);
    expect(batch.rejections).toEqual([
      expect.objectContaining({
        reason: 'wrong-shape',
        path: 'items.0.user.username',
        input: broken,
      }),
    ]);
  });

  it('given an item whose verb cannot be an action name, then invalid-envelope rather than a bad event', () => {
    const list = auditFixture('k8s/networkpolicy-delete.json');
    const [, item] = list.items as Record<string, unknown>[];
    const batch = normaliseKubernetesAuditEvents(
      { ...list, items: [{ ...item, verb: '!!!' }] },
      'c1',
    );
    expect(batch.events).toEqual([]);
    expect(batch.rejections[0]?.reason).toBe('invalid-envelope');
  });
});
