import type { LocalRuntime } from '../local/runtime/local-runtime';
import { ms, type Figure } from './measure';

/** What the approval client of the approval bench offers: a change proposed and approved. */
export interface ChangeDriver {
  proposeAndApprove(edge: { from: string; to: string }): Promise<{ id: string }>;
}

const GATE = 'prod: wait at the gate';

/**
 * One 2,000-service bundle from `change.applied` to "waiting at the prod gate" through the
 * local runtime: the time, the state transitions, and the AWS calls each stage's apply made.
 */
export async function benchPromotion(
  runtime: LocalRuntime,
  driver: ChangeDriver,
  edge: { from: string; to: string },
): Promise<Figure[]> {
  for (const rule of runtime.buses.ruleStates().filter((r) => r.name.includes('OnChangeApplied')))
    runtime.buses.setRuleEnabled(rule.name, true);
  const before = new Set(runtime.stateMachines.list().map((e) => e.executionArn));
  const change = await driver.proposeAndApprove(edge);

  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    const promotion = runtime.stateMachines
      .list()
      .find((e) => !before.has(e.executionArn) && e.stateMachineArn.includes('PromotionWorkflow'));
    const gate = promotion?.history.find((h) => h.type === 'StateEntered' && h.state === GATE);
    if (promotion !== undefined && promotion.status !== 'RUNNING' && gate === undefined)
      throw new Error(`the promotion ended ${promotion.status} before the gate`);
    if (promotion !== undefined && gate !== undefined) {
      const applied = runtime.buses
        .events()
        .map((r) => r.event.detail as { action?: string; time?: string; target?: { id?: string } })
        .find((d) => d.action === 'change.applied' && d.target?.id === change.id);
      const entered = promotion.history.indexOf(gate);
      const transitions = promotion.history
        .slice(0, entered + 1)
        .filter((h) => h.type === 'StateEntered').length;
      const calls = runtime.buses
        .events()
        .map(
          (r) =>
            r.event.detail as {
              action?: string;
              correlationId?: string;
              details?: { stage?: string; calls?: number };
            },
        )
        .filter((d) => d.action === 'promotion.stage.applied' && d.correlationId === promotion.name)
        .map((d) => `${d.details?.stage ?? '?'} ${d.details?.calls ?? '?'}`);
      const from = Date.parse(applied?.time ?? promotion.startDate);
      return [
        {
          name: 'change.applied to waiting at the prod gate',
          value: ms(Date.parse(gate.timestamp) - from),
        },
        { name: 'state transitions to the gate', value: String(transitions) },
        { name: 'AWS calls to apply, per stage (S3 manifests)', value: calls.join(', ') },
      ];
    }
    if (Date.now() > deadline)
      throw new Error('the promotion did not reach the prod gate in 15 minutes');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
