import { LocalEventBuses, type RuleConfig } from '../../../local/event-buses/local-event-buses';
import { parseEventPattern } from '../../../local/eventbridge/event-pattern';

const BUS = { name: 'audit', arn: 'arn:aws:events:eu-west-2:000000000000:event-bus/audit' };

function busWith(rules: { name: string; pattern: unknown }[]) {
  const delivered: { target: string; input: string }[] = [];
  const configs: RuleConfig[] = rules.map((r) => ({
    name: r.name,
    arn: `arn:aws:events:eu-west-2:000000000000:rule/audit/${r.name}`,
    busName: BUS.name,
    pattern: parseEventPattern(r.pattern),
    enabled: true,
    targets: [{ id: 't', arn: `queue:${r.name}` }],
  }));
  const buses = new LocalEventBuses(
    [BUS],
    configs,
    {
      deliver: (target, input) => {
        delivered.push({ target: target.arn, input });
        return Promise.resolve();
      },
      deadLetter: () => undefined,
    },
    { region: 'eu-west-2', accountId: '000000000000' },
  );
  return { buses, delivered };
}

describe('local PutEvents', () => {
  it('given entries at and over 256 KB as EventBridge counts them (Source, DetailType, Detail, Resources, 14 bytes for Time), then the one over is refused alone', () => {
    const { buses } = busWith([]);
    const fixed = 'a.b'.length + 'T'.length + 14 + '{"x":""}'.length;
    const detail = (padding: number) => JSON.stringify({ x: 'é'.repeat(padding / 2) });
    const atLimit = 256 * 1024 - fixed;
    const answer = buses.putEvents([
      {
        EventBusName: 'audit',
        Source: 'a.b',
        DetailType: 'T',
        Time: new Date(),
        Detail: detail(atLimit),
      },
      {
        EventBusName: 'audit',
        Source: 'a.b',
        DetailType: 'T',
        Time: new Date(),
        Detail: detail(atLimit + 2),
      },
    ]);
    expect(answer.Entries.map((e) => ('ErrorCode' in e ? e.ErrorCode : 'ok'))).toEqual([
      'ok',
      'InvalidArgument',
    ]);
  });

  it('given several rules, then each matching rule’s target gets the same whole event and the others nothing', async () => {
    const { buses, delivered } = busWith([
      { name: 'ward', pattern: { source: [{ prefix: 'ward.' }] } },
      { name: 'all', pattern: { source: [{ prefix: '' }] } },
      { name: 'other', pattern: { source: ['other'] } },
      { name: 'nested', pattern: { detail: { actor: { kind: ['human'] } } } },
    ]);
    buses.putEvents([
      {
        EventBusName: 'audit',
        Source: 'ward.api',
        DetailType: 'T',
        Detail: JSON.stringify({ actor: { kind: 'human' } }),
      },
    ]);
    await buses.settled();
    expect(delivered.map((d) => d.target).sort()).toEqual([
      'queue:all',
      'queue:nested',
      'queue:ward',
    ]);
    expect(new Set(delivered.map((d) => d.input)).size).toBe(1);
    expect(JSON.parse(delivered[0]!.input)).toMatchObject({
      source: 'ward.api',
      detail: { actor: { kind: 'human' } },
    });
  });
});
