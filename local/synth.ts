import { App } from 'aws-cdk-lib';
import type { StageName } from '../lambdas/contracts/stages';
import { loadStageConfigs } from '../lib/config/stages';
import { WardStack, wardStackName } from '../lib/ward-stack';

/** A synthesized CloudFormation template, as plain JSON. */
export interface CloudFormationTemplate {
  readonly Resources: Readonly<
    Record<string, { readonly Type: string; readonly Properties?: Record<string, unknown> }>
  >;
  readonly Outputs?: Readonly<Record<string, { readonly Value: unknown }>>;
}

/**
 * Synthesizes one stage's Ward stack in-process, exactly as `bin/app.ts` builds it (cdk-nag
 * aside, which checks but does not change the template), so local engines run what deploys.
 */
export function synthesizeWardStack(stage: StageName): CloudFormationTemplate {
  const config = loadStageConfigs().find((c) => c.stage === stage);
  if (config === undefined) throw new Error(`no stage config for ${stage}`);
  const app = new App();
  const stack = new WardStack(app, wardStackName(stage), { config });
  return app.synth().getStackByName(stack.stackName).template as CloudFormationTemplate;
}
