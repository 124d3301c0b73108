import { approvalConfig } from '../../../../lambdas/contracts/approval-config';
import type { Caller } from '../../../../lambdas/core/approvals/caller';
import { parseChange } from '../../../../lambdas/core/rules/change';
import { createRuleSet } from '../../../../lambdas/core/rules/rule-set';

export const config = approvalConfig();
export const NOW = new Date('2026-11-25T09:00:00.000Z');

/**
 * A bank in miniature: finance owns the critical ledger and standard pots; payments owns the
 * critical payments service; customer owns the standard feed; security exists.
 */
export const bank = () =>
  createRuleSet({
    version: 7,
    teams: [
      { name: 'finance', group: 'eng-finance' },
      { name: 'payments', group: 'eng-payments' },
      { name: 'customer', group: 'eng-customer' },
      { name: 'security', group: 'sec-eng' },
    ],
    services: [
      { name: 'service.ledger', namespace: 'ledger', team: 'finance', tier: 'critical' },
      { name: 'service.pots', namespace: 'pots', team: 'finance', tier: 'standard' },
      { name: 'service.payments', namespace: 'payments', team: 'payments', tier: 'critical' },
      { name: 'service.feed', namespace: 'feed', team: 'customer', tier: 'standard' },
    ],
    ingress: [
      { from: 'service.payments', to: 'service.ledger' },
      { from: 'service.pots', to: 'service.ledger' },
    ],
  });

export const change = (input: unknown) => parseChange(input);

export function person(principal: string, groups: string[], extra: Partial<Caller> = {}): Caller {
  return { principal, groups, mfa: true, personal: true, ...extra };
}
