import { ward } from '../../support/cli-harness';
import { eventually } from '../../support/local-runtime';
import { useWardRuntime } from '../../support/ward-runtime';

const runtime = useWardRuntime();

/** `ward` as a person of the example bank: the API URL and token in the environment. */
async function wardAs(person: string, groups: string[], args: string[], mfa = true) {
  const token = await runtime.token(`${person}@bank.example`, { groups, mfa });
  return ward(args, {
    PATH: process.env.PATH,
    HOME: '/nonexistent',
    WARD_API_URL: runtime.runtime.apiUrl,
    WARD_TOKEN: token,
  });
}

const parsed = (stdout: string) => JSON.parse(stdout) as Record<string, unknown>;

describe('the ward CLI against the approval API', () => {
  it('given a request for a critical service, when two owners approve with the CLI, then show reports it applied', async () => {
    const requested = await wardAs(
      'pat',
      ['eng-customer'],
      [
        'request',
        '--from',
        'service.emoji',
        '--to',
        'service.payments',
        '--reason',
        'emoji reactions on payments',
        '--format',
        'json',
      ],
    );
    expect(requested.stderr).toBe('');
    expect(requested.code).toBe(0);
    const change = parsed(requested.stdout);
    const id = String(change.id);
    expect(change.requiredApprovals).toEqual([
      expect.objectContaining({ team: 'payments', approvals: 2 }),
    ]);

    const waiting = await wardAs(
      'pay1',
      ['eng-payments'],
      ['changes', '--to-approve', '--format', 'json'],
    );
    expect(waiting.code).toBe(0);
    expect(JSON.stringify(parsed(waiting.stdout))).toContain(id);

    const own = await wardAs('pat', ['eng-customer', 'eng-payments'], ['approve', id, '--yes']);
    expect(own.code).not.toBe(0);
    expect(own.stderr).toMatch(
      /you proposed this change; someone else must approve it \(403 own-change\)/,
    );

    const noMfa = await wardAs('pay1', ['eng-payments'], ['approve', id, '--yes'], false);
    expect(noMfa.code).not.toBe(0);
    expect(noMfa.stderr).toMatch(/mfa|second factor/i);

    for (const approver of ['pay1', 'pay2']) {
      const approved = await wardAs(approver, ['eng-payments'], ['approve', id, '--yes']);
      expect(approved.stderr).toBe('');
      expect(approved.code).toBe(0);
    }

    const shown = await eventually(
      async () => {
        const got = await wardAs('pat', ['eng-customer'], ['show', id, '--format', 'json']);
        const view = parsed(got.stdout);
        return view.state === 'applied' ? view : undefined;
      },
      30_000,
      'the change to be applied',
    );
    expect(shown.approvals).toEqual([
      expect.objectContaining({ principal: 'pay1@bank.example' }),
      expect.objectContaining({ principal: 'pay2@bank.example' }),
    ]);
  });

  it('given a request, when someone outside the owning team rejects it, then the CLI exits non-zero with the API’s reason, and the proposer can withdraw it', async () => {
    const requested = await wardAs(
      'pat',
      ['eng-customer'],
      [
        'request',
        '--from',
        'service.emoji',
        '--to',
        'service.ledger',
        '--reason',
        'balances next to reactions',
        '--format',
        'json',
      ],
    );
    const id = String(parsed(requested.stdout).id);

    const outsider = await wardAs('sam', ['eng-customer'], ['reject', id, '--reason', 'no']);
    expect(outsider.code).not.toBe(0);
    expect(outsider.stderr).toMatch(/^error: /);

    const withdrawn = await wardAs('pat', ['eng-customer'], ['withdraw', id]);
    expect(withdrawn.code).toBe(0);
    const shown = await wardAs('pat', ['eng-customer'], ['show', id, '--format', 'json']);
    expect(parsed(shown.stdout).state).toBe('withdrawn');
  });
});
