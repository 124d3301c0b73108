import { eventually } from '../../support/local-runtime';
import { useWardRuntime } from '../../support/ward-runtime';

const ward = useWardRuntime();
const person = (principal: string, groups: string[]) =>
  ward.token(`${principal}@bank.example`, { groups });
const shownOf = (change: Record<string, unknown>) => ({
  diffSha256: change.diffSha256,
  impactSha256: change.impactSha256,
});
const byTarget = (id: string) =>
  ward.auditEvents().filter((e) => (e.target as { id: string }).id === id);

async function proposeAs(
  principal: string,
  groups: string[],
  body: unknown,
  headers: Record<string, string> = {},
) {
  return ward.api('POST', '/changes', { token: await person(principal, groups), body, headers });
}
async function approveAll(
  id: string,
  change: Record<string, unknown>,
  approvers: string[],
  groups: string[],
) {
  return Promise.all(
    approvers.map(async (name) =>
      ward.api('POST', `/changes/${id}/approve`, {
        token: await person(name, groups),
        body: shownOf(change),
      }),
    ),
  );
}
const finished = (id: string) =>
  eventually(
    () => ward.runtime.stateMachines.list().find((e) => e.name === id && e.status !== 'RUNNING'),
    30_000,
    `the workflow of ${id}`,
  );

describe('approvals racing on one change', () => {
  it('given 20 finance people approving a critical change at once, then exactly two count and the workflow is released once', async () => {
    const proposed = await proposeAs('pat', ['eng-customer'], {
      add: { ingress: [{ from: 'service.feed', to: 'service.ledger', ports: [{ port: 8443 }] }] },
      justification: 'race',
    });
    const remove = await ward.registry().readCurrent();
    expect(remove.ingress.some((r) => r.from === 'service.feed' && r.to === 'service.ledger')).toBe(
      false,
    );
    const id = String(proposed.body.id);
    const answers = await approveAll(
      id,
      proposed.body,
      Array.from({ length: 20 }, (_, i) => `fin${i}`),
      ['eng-finance'],
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(2);
    expect(answers.filter((a) => a.status === 409)).toHaveLength(18);

    const execution = await finished(id);
    expect(execution.status).toBe('SUCCEEDED');
    expect(
      execution.history.filter((h) => h.type === 'StateEntered' && h.state === 'Apply'),
    ).toHaveLength(1);
    const view = await ward.api('GET', `/changes/${id}`, { token: await person('pat', []) });
    expect(view.body).toMatchObject({ state: 'applied' });
    expect((view.body.approvals as unknown[]).length).toBe(2);
    await eventually(
      () => byTarget(id).find((e) => e.action === 'change.applied'),
      20_000,
      'change.applied',
    );
    expect(byTarget(id).filter((e) => e.action === 'change.approval.recorded')).toHaveLength(2);
    expect(byTarget(id).filter((e) => e.action === 'change.applied')).toHaveLength(1);
  });
});

describe('changes applied against a rule set that moved on', () => {
  it('given two changes from the same version, then the second is rebased onto the first', async () => {
    const a = await proposeAs('pat', ['eng-customer'], {
      add: { ingress: [{ from: 'service.feed', to: 'service.pots' }] },
      justification: 'a',
    });
    const b = await proposeAs('pat', ['eng-customer'], {
      add: { ingress: [{ from: 'service.emoji', to: 'service.pots' }] },
      justification: 'b',
    });
    expect(a.body.baseVersion).toBe(b.body.baseVersion);
    await approveAll(String(a.body.id), a.body, ['fin-a'], ['eng-finance']);
    expect((await finished(String(a.body.id))).status).toBe('SUCCEEDED');
    await approveAll(String(b.body.id), b.body, ['fin-b'], ['eng-finance']);
    expect((await finished(String(b.body.id))).status).toBe('SUCCEEDED');
    const rules = await ward.registry().readCurrent();
    expect(rules.ingress.filter((r) => r.to === 'service.pots').map((r) => r.from)).toEqual(
      expect.arrayContaining(['service.feed', 'service.emoji']),
    );
  });

  it('given a change that no longer applies once another is applied, then it ends in conflict, audited', async () => {
    const current = await ward.registry().readCurrent();
    const savings = current.services.find((s) => s.name === 'service.savings-interest');
    // A removes the savings-interest service and its rules; B wants savings-interest to call the feed.
    const a = await proposeAs('pat', ['eng-customer'], {
      remove: {
        services: [savings],
        ingress: current.ingress.filter(
          (r) => r.from === 'service.savings-interest' || r.to === 'service.savings-interest',
        ),
      },
      justification: 'retire the nightly job',
    });
    expect(a.status).toBe(201);
    const b = await proposeAs('pat', ['eng-customer'], {
      add: { ingress: [{ from: 'service.savings-interest', to: 'service.feed' }] },
      justification: 'b',
    });
    await approveAll(String(a.body.id), a.body, ['fin-c', 'fin-d'], ['eng-finance']);
    expect((await finished(String(a.body.id))).status).toBe('SUCCEEDED');
    await approveAll(String(b.body.id), b.body, ['cus-a'], ['eng-customer']);
    const execution = await finished(String(b.body.id));
    expect(execution).toMatchObject({ status: 'FAILED', error: 'ChangeConflict' });
    expect(
      (await ward.api('GET', `/changes/${String(b.body.id)}`, { token: await person('pat', []) }))
        .body.state,
    ).toBe('conflict');
    await eventually(
      () => byTarget(String(b.body.id)).find((e) => e.action === 'change.conflict'),
      20_000,
      'change.conflict',
    );
  });
});

describe('Idempotency-Key', () => {
  it('given a retried proposal with the same key, then the first answer comes back and one change exists', async () => {
    const body = {
      add: { ingress: [{ from: 'service.statements', to: 'service.pots' }] },
      justification: 'retry me',
    };
    const first = await proposeAs('pat', ['eng-customer'], body, {
      'idempotency-key': 'retry-key-0001',
    });
    const second = await proposeAs('pat', ['eng-customer'], body, {
      'idempotency-key': 'retry-key-0001',
    });
    expect(first.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    const reused = await proposeAs(
      'pat',
      ['eng-customer'],
      { ...body, justification: 'something else' },
      { 'idempotency-key': 'retry-key-0001' },
    );
    expect(reused).toMatchObject({ status: 422, body: { error: 'IdempotencyKeyReused' } });
  });
});
