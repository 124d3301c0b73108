import type { LocalRuntime } from '../local/runtime/local-runtime';
import { loadStageConfigs } from '../lib/config/stages';
import { accessKeyIdForAccount } from '../local/sts/local-sts';
import { ms, type Figure } from './measure';

const [config] = loadStageConfigs();
if (config === undefined) throw new Error('no stage config');
const FLEET = config.promotionTargets;

/** What the approval client of the approval bench offers: a change proposed and approved. */
export interface ChangeDriver {
  proposeAndApprove(edge: { from: string; to: string }): Promise<{ id: string }>;
}

const GATE = 'prod: wait at the gate';

/** What the stage's own account holds after applying: Ward's web ACLs and DNS Firewall rule groups. */
function edgeContent(runtime: LocalRuntime, account: string): string {
  const caller = {
    accessKeyId: accessKeyIdForAccount(account),
    region: 'eu-west-2',
    account,
    tenant: account,
  };
  const acls = runtime.waf.operations(caller).ListWebACLs?.({ Scope: 'REGIONAL' }) as
    { WebACLs?: unknown[] } | undefined;
  const groups = runtime.dnsFirewall.operations(caller).ListFirewallRuleGroups?.({}) as
    { FirewallRuleGroups?: unknown[] } | undefined;
  return `${acls?.WebACLs?.length ?? 0} web ACLs, ${groups?.FirewallRuleGroups?.length ?? 0} DNS Firewall rule groups`;
}

/**
 * One 2,000-service bundle from `change.applied` to "waiting at the prod gate" through the
 * local runtime, with its S3 manifests, WAF web ACLs and DNS Firewall rule groups: the time,
 * the state transitions, and the AWS calls each stage's apply made to each target.
 */
export async function benchPromotion(
  runtime: LocalRuntime,
  driver: ChangeDriver,
  edge: { from: string; to: string },
): Promise<Figure[]> {
  for (const rule of runtime.buses.ruleStates().filter((r) => r.name.includes('OnChangeApplied')))
    runtime.buses.setRuleEnabled(rule.name, true);
  const before = new Set(runtime.stateMachines.list().map((e) => e.executionArn));
  const assumedBefore = runtime.sts.assumed.length;
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
      const perStage = runtime.buses
        .events()
        .map(
          (r) =>
            r.event.detail as {
              action?: string;
              correlationId?: string;
              details?: { stage?: string; callsByTarget?: Record<string, number> };
            },
        )
        .filter((d) => d.action === 'promotion.stage.applied' && d.correlationId === promotion.name)
        .map((d) => ({ stage: d.details?.stage ?? '?', byTarget: d.details?.callsByTarget ?? {} }));
      const from = Date.parse(applied?.time ?? promotion.startDate);
      const stageFigures = perStage.map(({ stage, byTarget }) => ({
        name: `AWS calls to apply in ${stage}, per target`,
        value: Object.entries(byTarget)
          .map(([target, calls]) => `${target} ${calls}`)
          .join(', '),
      }));
      return [
        {
          name: 'change.applied to waiting at the prod gate',
          value: ms(Date.parse(gate.timestamp) - from),
        },
        { name: 'state transitions to the gate', value: String(transitions) },
        ...stageFigures,
        {
          name: 'STS AssumeRole calls (stage roles; cached per function container)',
          value: String(runtime.sts.assumed.length - assumedBefore),
        },
        { name: 's102’s account holds', value: edgeContent(runtime, FLEET.s102.account) },
      ];
    }
    if (Date.now() > deadline)
      throw new Error('the promotion did not reach the prod gate in 15 minutes');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
