import type { Evidence } from '../../../rpcmap/model';
import {
  addedRules,
  justificationFor,
  proposalsFrom,
  withoutPending,
  type Finding,
} from '../../../cli/rpcmap-proposals';
import { exampleRules, viewOf } from './approvals-fixtures';

const at = (file: string, line: number, snippet = 'ledgerproto.Read{}.Send(ctx)'): Evidence => ({
  file,
  line,
  column: 9,
  snippet,
  pattern: 'service-package',
});

describe('ward rpcmap propose: one request per team', () => {
  it('given calls to two teams’ services and an internet host, then calls go to the callee’s team and the host to the caller’s', async () => {
    const { proposals, skipped } = proposalsFrom(
      {
        notAllowed: [
          { from: 'service.feed', to: 'service.ledger', evidence: [at('feed/a.go', 3)] },
          { from: 'service.feed', to: 'service.pots', evidence: [at('feed/b.go', 4)] },
          { from: 'service.feed', to: 'service.fraud', evidence: [at('feed/c.go', 5)] },
        ],
        egressNotAllowed: [
          {
            from: 'service.pots',
            host: 'api.example.com',
            port: 443,
            evidence: [at('pots/x.go', 9)],
          },
        ],
      },
      await exampleRules(),
    );
    expect(skipped).toEqual([]);
    expect(proposals.map((p) => [p.team, addedRules(p)])).toEqual([
      [
        'finance',
        {
          ingress: [
            { from: 'service.feed', to: 'service.ledger', ports: [] },
            { from: 'service.feed', to: 'service.pots', ports: [] },
          ],
          egress: [{ service: 'service.pots', host: 'api.example.com', port: 443 }],
        },
      ],
      ['risk', { ingress: [{ from: 'service.feed', to: 'service.fraud', ports: [] }], egress: [] }],
    ]);
    expect(proposals[1]?.justification).toBe(
      'ward rpcmap found 1 call in the code that the rules do not allow; team risk approves it.' +
        '\n- service.feed -> service.fraud' +
        '\n    feed/c.go:5: ledgerproto.Read{}.Send(ctx)',
    );
  });

  it('given a service the rules do not know or a host core refuses, then it is skipped with the reason', async () => {
    const { proposals, skipped } = proposalsFrom(
      {
        notAllowed: [{ from: 'service.new', to: 'service.ledger', evidence: [] }],
        egressNotAllowed: [
          { from: 'service.pots', host: '*.*.example.com', port: 443, evidence: [] },
        ],
      },
      await exampleRules(),
    );
    expect(proposals).toEqual([]);
    expect(skipped).toEqual([
      {
        what: 'service.new -> service.ledger',
        reason: 'service.new is not in the rules; add it to the fleet first',
      },
      { what: 'service.pots -> *.*.example.com:443 (internet)', reason: expect.any(String) },
    ]);
  });

  it('given more evidence than fits, then every call keeps its first place and the rest is counted', () => {
    const findings: Finding[] = Array.from({ length: 30 }, (_, i) => ({
      rule: { kind: 'ingress', from: `service.caller-${i}`, to: 'service.ledger' },
      evidence: Array.from({ length: 5 }, (_, j) =>
        at(`service.caller-${i}/handler/h${j}.go`, 10 + j, 'x'.repeat(300)),
      ),
    }));
    const text = justificationFor('finance', findings);
    expect(text.length).toBeLessThanOrEqual(2000);
    // 30 calls with a first place each do not all fit either: the last ones are counted.
    const listed = text.match(/^- /gm) ?? [];
    expect(listed.length).toBeGreaterThan(5);
    expect(text).toContain(`(and ${30 - listed.length} more calls: the change lists them all)`);
    expect(text).toMatch(/more places in the code: ward rpcmap diff shows them all\)$/);
    // Snippets are cut, not lines.
    expect(text).toContain(`${'x'.repeat(99)}…`);
  });

  it('given room, then further places are shown one round per call', () => {
    const findings: Finding[] = [
      {
        rule: { kind: 'ingress', from: 'service.a', to: 'service.b' },
        evidence: [at('a/1.go', 1), at('a/2.go', 2)],
      },
      {
        rule: { kind: 'ingress', from: 'service.c', to: 'service.b' },
        evidence: [at('c/1.go', 1)],
      },
    ];
    const text = justificationFor('t', findings);
    expect(text).toContain('a/1.go:1');
    expect(text).toContain('a/2.go:2');
    expect(text).not.toMatch(/more place/);
  });

  it('given a change still waiting asks for one of the calls, then only the rest is proposed', async () => {
    const { proposals } = proposalsFrom(
      {
        notAllowed: [
          { from: 'service.feed', to: 'service.ledger', evidence: [] },
          { from: 'service.feed', to: 'service.pots', evidence: [] },
        ],
        egressNotAllowed: [],
      },
      await exampleRules(),
    );
    const pending = await viewOf(
      { ingress: [{ from: 'service.feed', to: 'service.ledger' }] },
      { id: 'waiting' },
    );
    const [finance] = proposals;
    if (finance === undefined) throw new Error('no finance proposal');
    const { proposal, alreadyRequested } = withoutPending(finance, [pending]);
    expect(alreadyRequested).toEqual([
      { what: 'service.feed -> service.ledger', change: 'waiting' },
    ]);
    expect(proposal && addedRules(proposal).ingress).toEqual([
      { from: 'service.feed', to: 'service.pots', ports: [] },
    ]);
    expect(proposal?.justification).toMatch(/found 1 call/);
    expect(
      withoutPending({ ...finance, findings: finance.findings.slice(0, 1) }, [pending]),
    ).toEqual({
      alreadyRequested: [{ what: 'service.feed -> service.ledger', change: 'waiting' }],
    });
  });
});
