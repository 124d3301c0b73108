import { eventually } from '../../support/local-runtime';
import { useWardRuntime } from '../../support/ward-runtime';

// Changes here expire two seconds after they are proposed: the workflow's wait times out then.
const ward = useWardRuntime({ expiryHours: 2 / 3600 });

describe('a change nobody approves in time', () => {
  it('given the expiry passes, then the change is expired, audited, and the workflow ends Expired', async () => {
    const proposed = await ward.api('POST', '/changes', {
      token: await ward.token('pat@bank.example', { groups: ['eng-customer'] }),
      body: {
        add: { ingress: [{ from: 'service.feed', to: 'service.pots' }] },
        justification: 'will expire',
      },
    });
    expect(proposed.status).toBe(201);
    const id = String(proposed.body.id);
    const execution = await eventually(
      () => ward.runtime.stateMachines.list().find((e) => e.name === id && e.status !== 'RUNNING'),
      20_000,
      'the workflow to end',
    );
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.history.map((h) => h.state).filter(Boolean)).toEqual(
      expect.arrayContaining(['Wait for approvals', 'Expire', 'Expired']),
    );
    const view = await ward.api('GET', `/changes/${id}`, {
      token: await ward.token('pat@bank.example'),
    });
    expect(view.body.state).toBe('expired');
    await eventually(
      () =>
        ward
          .auditEvents()
          .find((e) => e.action === 'change.expired' && (e.target as { id: string }).id === id),
      10_000,
      'change.expired',
    );

    const late = await ward.api('POST', `/changes/${id}/approve`, {
      token: await ward.token('fin@bank.example', { groups: ['eng-finance'] }),
      body: { diffSha256: proposed.body.diffSha256, impactSha256: proposed.body.impactSha256 },
    });
    expect(late).toMatchObject({ status: 409, body: { error: 'not-pending' } });
  });
});
