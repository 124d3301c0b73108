import fc from 'fast-check';
import {
  approvalProgress,
  type ApprovalRecord,
} from '../../../../lambdas/core/approvals/approval-progress';
import type { ApprovalRequirement } from '../../../../lambdas/core/approvals/requirements';

const requirement = (team: string, approvals: number): ApprovalRequirement => ({
  team,
  group: `g-${team}`,
  approvals,
  because: [],
});
const approval = (principal: string, ...teams: string[]): ApprovalRecord => ({
  principal,
  groups: teams.map((t) => `g-${t}`),
  at: '',
  diffSha256: '',
  impactSha256: '',
});

describe('approval progress', () => {
  it('given a critical requirement, then one person is not enough and two are', () => {
    const needs = [requirement('finance', 2)];
    expect(approvalProgress(needs, [approval('a', 'finance')])).toMatchObject({
      satisfied: false,
      missing: [{ team: 'finance', group: 'g-finance', approvals: 1 }],
    });
    expect(
      approvalProgress(needs, [approval('a', 'finance'), approval('b', 'finance')]),
    ).toMatchObject({ satisfied: true, missing: [] });
  });

  it('given one person in two required teams, then they count for one team only', () => {
    const needs = [requirement('finance', 1), requirement('security', 1)];
    expect(approvalProgress(needs, [approval('both', 'finance', 'security')])).toMatchObject({
      satisfied: false,
    });
    expect(
      approvalProgress(needs, [
        approval('both', 'finance', 'security'),
        approval('sec', 'security'),
      ]),
    ).toMatchObject({
      satisfied: true,
      counted: [
        { team: 'finance', principals: ['both'] },
        { team: 'security', principals: ['sec'] },
      ],
    });
  });

  it('given approvals arriving in an unlucky order, then matching still finds the assignment that satisfies', () => {
    // "both" came first and, counted greedily for finance, would strand security's slot when
    // "fin" arrives; matching moves "both" to security instead.
    const needs = [requirement('finance', 1), requirement('security', 1)];
    expect(
      approvalProgress(needs, [
        approval('both', 'finance', 'security'),
        approval('fin', 'finance'),
      ]),
    ).toMatchObject({
      satisfied: true,
      counted: [
        { team: 'finance', principals: ['fin'] },
        { team: 'security', principals: ['both'] },
      ],
    });
  });

  it('property: satisfied exactly when a brute-force assignment of distinct people to slots exists', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.subarray([0, 1, 2]), { maxLength: 5 }),
        (counts, memberships) => {
          const needs = counts.map((n, i) => requirement(`t${i}`, n));
          const approvals = memberships.map((teams, i) =>
            approval(`p${i}`, ...teams.filter((t) => t < counts.length).map((t) => `t${t}`)),
          );
          expect(approvalProgress(needs, approvals).satisfied).toBe(
            bruteForce(
              counts,
              memberships.map((m) => m.filter((t) => t < counts.length)),
            ),
          );
        },
      ),
      { numRuns: 500 },
    );
  });
});

function bruteForce(counts: number[], memberships: number[][]): boolean {
  const slots = counts.flatMap((n, team) => Array.from({ length: n }, () => team));
  const fill = (slot: number, used: Set<number>): boolean => {
    if (slot === slots.length) return true;
    return memberships.some(
      (teams, person) =>
        !used.has(person) &&
        teams.includes(slots[slot] ?? -1) &&
        fill(slot + 1, new Set([...used, person])),
    );
  };
  return fill(0, new Set());
}
