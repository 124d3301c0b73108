import { approvalConfig } from '../../../lambdas/contracts/approval-config';
import { proposeChange, withApproval } from '../../../lambdas/core/approvals/change-request';
import { changeView, type ChangeView } from '../../../lambdas/core/approvals/use-cases/change-view';
import { parseChange } from '../../../lambdas/core/rules/change';
import type { RuleSet } from '../../../lambdas/core/rules/rule-set';
import { readFleet } from '../../../cli/fleet/read-fleet';
import { EXAMPLE_FLEET } from '../../support/cli-harness';

let fleet: Promise<RuleSet> | undefined;

/** The example bank's rules, read once per test file. */
export function exampleRules(): Promise<RuleSet> {
  fleet ??= readFleet(EXAMPLE_FLEET);
  return fleet;
}

/**
 * A change view as the API would answer it, made by core itself from the example fleet: what
 * the renderers and filters are given in real use.
 */
export async function viewOf(
  add: unknown,
  options: { proposer?: string; id?: string; approvedBy?: string[] } = {},
): Promise<ChangeView> {
  let request = proposeChange({
    id: options.id ?? '7d1f3c2a-0000-4000-8000-000000000001',
    proposer: {
      principal: options.proposer ?? 'pat@bank.example',
      groups: ['eng-customer'],
      mfa: true,
      personal: true,
    },
    change: parseChange({ add }),
    justification: 'the feed shows balances',
    current: await exampleRules(),
    now: new Date('2026-11-25T10:00:00.000Z'),
    config: approvalConfig(),
  });
  for (const principal of options.approvedBy ?? [])
    request = withApproval(request, {
      principal,
      groups: ['eng-finance'],
      at: '2026-11-25T11:00:00.000Z',
      diffSha256: request.diffSha256,
      impactSha256: request.impactSha256,
    });
  return changeView(request);
}
