import type { ApprovalRequirement } from './requirements';

/** One person's recorded approval. */
export interface ApprovalRecord {
  readonly principal: string;
  /** The person's groups when they approved, from their verified token. */
  readonly groups: readonly string[];
  readonly at: string;
  readonly diffSha256: string;
  readonly impactSha256: string;
}

export interface ApprovalProgress {
  readonly satisfied: boolean;
  /** Who counts for which team (each person for one team at most). */
  readonly counted: readonly { readonly team: string; readonly principals: readonly string[] }[];
  /** What is still missing: per team, its group and how many more people. */
  readonly missing: readonly {
    readonly team: string;
    readonly group: string;
    readonly approvals: number;
  }[];
}

/**
 * Whether recorded approvals meet the requirements. Each approval counts for at most one team,
 * so N required approvals always mean N different people, even when one person belongs to
 * several of the teams; approvals are assigned to teams by maximum matching, so no order of
 * arrival can strand a requirement that could be met.
 */
export function approvalProgress(
  requirements: readonly ApprovalRequirement[],
  approvals: readonly ApprovalRecord[],
): ApprovalProgress {
  const slots = requirements.flatMap((r) => Array.from({ length: r.approvals }, () => r));
  const slotOfPerson = new Map<number, number>();
  const personOfSlot = new Map<number, number>();

  const canFill = (person: number, slot: number) =>
    approvals[person]?.groups.includes(slots[slot]?.group ?? '\u0000') === true;
  const augment = (person: number, visited: Set<number>): boolean => {
    for (let slot = 0; slot < slots.length; slot += 1) {
      if (visited.has(slot) || !canFill(person, slot)) continue;
      visited.add(slot);
      const holder = personOfSlot.get(slot);
      if (holder === undefined || augment(holder, visited)) {
        personOfSlot.set(slot, person);
        slotOfPerson.set(person, slot);
        return true;
      }
    }
    return false;
  };
  approvals.forEach((_, person) => augment(person, new Set()));

  return {
    satisfied: personOfSlot.size === slots.length,
    counted: requirements.map((r) => ({
      team: r.team,
      principals: [...personOfSlot.entries()]
        .filter(([slot]) => slots[slot] === r)
        .map(([, person]) => approvals[person]?.principal ?? ''),
    })),
    missing: requirements
      .map((r) => ({
        team: r.team,
        group: r.group,
        approvals: slots.filter((s, i) => s === r && !personOfSlot.has(i)).length,
      }))
      .filter((m) => m.approvals > 0),
  };
}

/** True when `groups` could fill a slot that is still open (after everyone already counted). */
export function couldStillCount(
  requirements: readonly ApprovalRequirement[],
  approvals: readonly ApprovalRecord[],
  candidate: ApprovalRecord,
): boolean {
  const before = approvalProgress(requirements, approvals);
  const after = approvalProgress(requirements, [...approvals, candidate]);
  const filled = (p: ApprovalProgress) => p.counted.reduce((n, c) => n + c.principals.length, 0);
  return filled(after) > filled(before);
}
