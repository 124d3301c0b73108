import {
  changesTable,
  diffLines,
  missingOf,
  renderChange,
  renderProposed,
  whatOf,
} from '../../../cli/approval-render';
import type { CliIo } from '../../../cli/io';
import { viewOf } from './approvals-fixtures';

const plain: CliIo = {
  stdout: () => undefined,
  stderr: () => undefined,
  isTty: false,
  env: {},
  cwd: '.',
  untilInterrupted: () => Promise.resolve(),
};

describe('rendering change requests for people', () => {
  it('given one new call, then the table names it, who is missing and when it expires', async () => {
    const view = await viewOf({ ingress: [{ from: 'service.feed', to: 'service.ledger' }] });
    expect(changesTable([view]).split('\n')).toEqual([
      'id                                    state     proposer          what                                           missing approvals  expires',
      '7d1f3c2a-0000-4000-8000-000000000001  proposed  pat@bank.example  + ingress rule service.feed -> service.ledger  finance 2          2026-11-28 10:00Z',
      '',
    ]);
  });

  it('given several rules, then the cell counts them per kind', async () => {
    const view = await viewOf({
      ingress: [
        { from: 'service.feed', to: 'service.pots' },
        { from: 'service.emoji', to: 'service.pots' },
      ],
      egress: [{ service: 'service.pots', host: 'api.example.com' }],
    });
    expect(whatOf(view)).toBe('+2 ingress, +1 egress');
    expect(missingOf(view)).toBe('finance 1');
  });

  it('given ports, grants and egress, then each diff line says what exactly is allowed', async () => {
    const view = await viewOf({
      ingress: [{ from: 'service.feed', to: 'service.pots', ports: [{ port: 8080 }] }],
      egress: [{ service: 'service.pots', host: 'api.example.com' }],
      grants: [{ service: 'service.pots', path: 'secret/data/shared/x/*' }],
    });
    expect(diffLines(view.change)).toEqual([
      '+ ingress rule service.feed -> service.pots (ports 8080/TCP)',
      '+ egress rule service.pots -> api.example.com:443',
      '+ grant service.pots : secret/data/shared/x/* [read]',
    ]);
  });

  it('given a change with transitive reach, then show has the diff, both kinds of reach, approvals and history', async () => {
    const view = await viewOf(
      { ingress: [{ from: 'service.emoji', to: 'service.payments' }] },
      { approvedBy: ['fin1@bank.example'] },
    );
    const shown = renderChange(plain, view);
    expect(shown).toContain('+ ingress rule service.emoji -> service.payments (any port)');
    expect(shown).toContain('service.emoji can newly reach:');
    expect(shown).toMatch(/directly +service\.payments/);
    expect(shown).toMatch(
      /transitively +service\.faster-payments, service\.fraud, service\.fx-rates/,
    );
    expect(shown).toMatch(
      /needs 2 from payments \(group eng-payments\): rules of service\.payments/,
    );
    // fin1 is not in payments: recorded, but it does not count.
    expect(shown).toMatch(/approved by fin1@bank\.example at 2026-11-25 11:00Z \(does not count\)/);
    expect(shown).toMatch(/missing 2 from payments \(members of eng-payments can approve\)/);
    expect(shown).toMatch(/2026-11-25 10:00Z {2}proposed by pat@bank\.example/);
    expect(shown).not.toMatch(/\x1b\[/);
  });

  it('given a new request, then what it needs and what it makes reachable, and how to follow it', async () => {
    const view = await viewOf({ ingress: [{ from: 'service.emoji', to: 'service.payments' }] });
    const printed = renderProposed(plain, view);
    expect(printed).toMatch(/^requested change 7d1f3c2a-/);
    expect(printed).toContain('2 approvals from payments (group eng-payments)');
    expect(printed).toContain(
      'service.emoji would newly reach service.payments, service.faster-payments (through it)',
    );
    expect(printed).toContain(`ward show ${view.id}`);
  });
});
