import { STAGES, type StageName } from '../../lambdas/contracts/stages';
import type { StageConfig } from '../config/stage-config';

/** A deployment of Ward whose promotion and break-glass functions reach a fleet account. */
export interface TrustedWardDeployment {
  /** Ward's stage (its functions' roles are named for it). */
  readonly stage: StageName;
  /** The account Ward's stacks for that stage run in. */
  readonly account: string;
}

/** What one fleet account's {@link WardFleetAccessStack} is made from. */
export interface FleetAccessPlan {
  /** The stack's name: `Ward-fleet-<stage>` (the fleet stages the account holds, joined). */
  readonly stackName: string;
  /** The fleet stages whose WAF and DNS Firewall live in the account, in promotion order. */
  readonly fleetStages: readonly StageName[];
  readonly account: string;
  /** The Regions those stages' WAF and DNS Firewall are in (the stack deploys to the first). */
  readonly regions: readonly string[];
  /** The Ward deployments whose `promotionTargets` name this account, and nothing else. */
  readonly trusted: readonly TrustedWardDeployment[];
  /**
   * The Ward deployments whose break glass writes here: break glass writes to the fleet stage
   * of its own name (`ward break-glass ... --stage s101` reaches fleet s101), so a deployment is
   * trusted for it only where its own stage's target is this account.
   */
  readonly breakGlassTrusted: readonly TrustedWardDeployment[];
}

/** The name of the fleet-access stack of an account that holds `fleetStages`. */
export function wardFleetAccessStackName(fleetStages: readonly StageName[]): string {
  return `Ward-fleet-${fleetStages.join('-')}`;
}

/**
 * One plan per fleet account (IAM roles are per account, and their names are fixed, so an
 * account that holds two fleet stages gets one stack), trusting exactly the Ward deployments
 * whose promotion targets name it. `wardAccounts` says where each of Ward's stages runs.
 */
export function fleetAccessPlans(
  configs: readonly StageConfig[],
  wardAccounts: Readonly<Record<StageName, string>>,
): FleetAccessPlan[] {
  const byAccount = new Map<
    string,
    {
      stages: Set<StageName>;
      regions: Set<string>;
      trusted: Map<string, TrustedWardDeployment>;
      breakGlass: Map<string, TrustedWardDeployment>;
    }
  >();
  for (const config of configs) {
    for (const fleetStage of STAGES) {
      const target = config.promotionTargets[fleetStage];
      let entry = byAccount.get(target.account);
      if (entry === undefined) {
        entry = {
          stages: new Set(),
          regions: new Set(),
          trusted: new Map(),
          breakGlass: new Map(),
        };
        byAccount.set(target.account, entry);
      }
      entry.stages.add(fleetStage);
      entry.regions.add(target.region);
      const account = wardAccounts[config.stage];
      const ward = { stage: config.stage, account };
      entry.trusted.set(`${config.stage}/${account}`, ward);
      if (fleetStage === config.stage) entry.breakGlass.set(`${config.stage}/${account}`, ward);
    }
  }
  return [...byAccount].map(([account, entry]) => {
    const fleetStages = STAGES.filter((s) => entry.stages.has(s));
    return {
      stackName: wardFleetAccessStackName(fleetStages),
      fleetStages,
      account,
      regions: [...entry.regions].sort(),
      trusted: inStageOrder(entry.trusted),
      breakGlassTrusted: inStageOrder(entry.breakGlass),
    };
  });
}

function inStageOrder(found: Map<string, TrustedWardDeployment>): TrustedWardDeployment[] {
  return STAGES.flatMap((s) => [...found.values()].filter((t) => t.stage === s));
}
