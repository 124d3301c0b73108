import { App } from 'aws-cdk-lib';
import type { StageName } from '../lambdas/contracts/stages';
import { loadStageConfigs } from '../lib/config/stages';
import { WardServicesStack, wardServicesStackName } from '../lib/ward-services-stack';
import { WardStack, wardStackName } from '../lib/ward-stack';
import type { CloudFormationTemplate, StackTemplate } from './template/cloudformation';

export type { CloudFormationTemplate };

/**
 * Synthesizes the stacks `build` adds to a fresh app and returns their templates. Bundling is
 * skipped: the local runtime runs each function's source, so the bundles are not needed.
 */
export function synthesizeStacks(build: (app: App) => void): StackTemplate[] {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  build(app);
  return app.synth().stacks.map((stack) => ({
    stackName: stack.stackName,
    template: stack.template as CloudFormationTemplate,
  }));
}

/**
 * Synthesizes one stage's Ward stacks in-process, exactly as `bin/app.ts` composes them
 * (cdk-nag aside, which checks but does not change the template), so local engines run what
 * deploys.
 */
export function synthesizeWardStacks(stage: StageName): StackTemplate[] {
  const config = loadStageConfigs().find((c) => c.stage === stage);
  if (config === undefined) throw new Error(`no stage config for ${stage}`);
  return synthesizeStacks((app) => {
    const data = new WardStack(app, wardStackName(stage), { config });
    new WardServicesStack(app, wardServicesStackName(stage), { config, data });
  });
}

/** The template of a stage's stateful stack. */
export function synthesizeWardStack(stage: StageName): CloudFormationTemplate {
  const stack = synthesizeWardStacks(stage).find((s) => s.stackName === wardStackName(stage));
  if (stack === undefined) throw new Error(`no stacks for ${stage}`);
  return stack.template;
}
