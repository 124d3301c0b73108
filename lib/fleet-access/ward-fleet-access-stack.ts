import { Stack, Tags, type App, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StageName } from '../../lambdas/contracts/stages';
import type { PipelineSettings } from '../config/pipeline-config';
import type { StageConfig } from '../config/stage-config';
import { fleetAccessPlans, type FleetAccessPlan } from './fleet-access-plan';
import { FleetAccessRoles } from './fleet-access-roles';

/** Properties of a {@link WardFleetAccessStack}. */
export interface WardFleetAccessStackProps extends Omit<StackProps, 'env'> {
  /** The fleet account, its Regions, and the Ward deployments it trusts. */
  readonly plan: FleetAccessPlan;
}

/**
 * What Ward needs in one fleet account (a stage's own account, holding its WAF and DNS
 * Firewall): the roles Ward's promotion and break-glass functions assume there. Deployed once
 * per fleet account, with that account's credentials; it holds nothing but IAM roles.
 */
export class WardFleetAccessStack extends Stack {
  public readonly roles: FleetAccessRoles;

  constructor(scope: Construct, id: string, props: WardFleetAccessStackProps) {
    const { plan, ...stackProps } = props;
    const [region] = plan.regions;
    if (region === undefined) throw new Error(`${id}: the fleet account has no Region`);
    super(scope, id, {
      description: `Ward fleet access (${plan.fleetStages.join(', ')}): the roles Ward assumes in this account`,
      ...stackProps,
      env: { account: plan.account, region },
    });
    this.roles = new FleetAccessRoles(this, 'Roles', {
      regions: plan.regions,
      promotion: plan.trusted,
      breakGlass: plan.breakGlassTrusted,
    });
    Tags.of(this).add('ward:fleet-stages', plan.fleetStages.join(' '));
  }
}

/**
 * The account each of Ward's stages runs in: the stage config's `account`, else the
 * pipeline's (where Ward deploys itself). The fleet roles must name it, so it cannot be left
 * account-agnostic as Ward's own stacks are.
 */
export function wardAccounts(
  configs: readonly StageConfig[],
  pipeline: PipelineSettings,
): Record<StageName, string> {
  return Object.fromEntries(
    configs.map((c) => [c.stage, c.account ?? pipeline.stageAccounts[c.stage]]),
  ) as Record<StageName, string>;
}

/** One {@link WardFleetAccessStack} per fleet account named in the stage configs. */
export function addFleetAccessStacks(
  app: App,
  configs: readonly StageConfig[],
  pipeline: PipelineSettings,
): WardFleetAccessStack[] {
  return fleetAccessPlans(configs, wardAccounts(configs, pipeline)).map(
    (plan) => new WardFleetAccessStack(app, plan.stackName, { plan }),
  );
}
