import { repeatedRefusals } from '../../../../lambdas/core/audit/detections/repeated-refusals';
import { enriched, run, wardEvent } from './support';

const refusal = (minute: number, principal = 'alice@bank.example') =>
  enriched(
    wardEvent({
      id: `r${minute}-${principal}`,
      time: new Date(Date.UTC(2026, 10, 25, 9, minute)).toISOString(),
      action: 'change.approval.refused',
      outcome: 'denied',
      actor: { principal, kind: 'human', mfa: true },
      details: { reason: 'not-in-required-team' },
    }),
  );
const at = (minute: number) => new Date(Date.UTC(2026, 10, 25, 9, minute));

describe('detection: five or more refusals for one person in ten minutes', () => {
  it('given five refusals within ten minutes, then a high finding on the fifth with all five events', () => {
    const detection = repeatedRefusals();
    const findings = run(
      detection,
      [0, 2, 4, 6, 8].map((m) => refusal(m)),
      at(8),
    );
    expect(findings).toEqual([
      expect.objectContaining({
        severity: 'high',
        dedupKey: 'repeated-refusals:alice@bank.example',
        eventIds: [
          'r0-alice@bank.example',
          'r2-alice@bank.example',
          'r4-alice@bank.example',
          'r6-alice@bank.example',
          'r8-alice@bank.example',
        ],
      }),
    ]);
  });

  it('given four refusals, then nothing', () => {
    expect(
      run(
        repeatedRefusals(),
        [0, 1, 2, 3].map((m) => refusal(m)),
        at(3),
      ),
    ).toEqual([]);
  });

  it('given five refusals spread over more than ten minutes, then the old ones fall out of the window', () => {
    const detection = repeatedRefusals();
    let state: Parameters<typeof detection.evaluate>[1];
    const found = [0, 4, 8, 12, 16].flatMap((minute) => {
      const result = detection.evaluate(refusal(minute), state, at(minute));
      state = result.state;
      return result.findings;
    });
    expect(found).toEqual([]);
    expect(state?.times).toHaveLength(3);
  });

  it('given anonymous refusals, then they are keyed by address, not lumped together', () => {
    const anonymous = (ip: string) =>
      enriched(
        wardEvent({
          outcome: 'denied',
          actor: { principal: 'anonymous', kind: 'anonymous', mfa: false },
          details: { ip },
        }),
      );
    const detection = repeatedRefusals();
    expect(detection.stateKey?.(anonymous('10.0.0.1'))).toBe('anonymous@10.0.0.1');
    expect(detection.stateKey?.(anonymous('10.0.0.2'))).toBe('anonymous@10.0.0.2');
  });

  it('given successful actions, then they are not refusals', () => {
    expect(repeatedRefusals().matches(enriched(wardEvent()))).toBe(false);
  });
});
