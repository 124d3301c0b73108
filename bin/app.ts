import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { StageConfigError } from '../lib/config/stage-config';
import { loadPipelineSettings, loadStageConfigs } from '../lib/config/stages';
import {
  PIPELINE_CONTEXT_KEY,
  WARD_PIPELINE_STACK_NAME,
  WardPipelineStack,
} from '../lib/pipeline/ward-pipeline-stack';
import { addFleetAccessStacks } from '../lib/fleet-access/ward-fleet-access-stack';
import { WardServicesStack, wardServicesStackName } from '../lib/ward-services-stack';
import { WardStack, wardStackName } from '../lib/ward-stack';

/**
 * The CDK app: a stateful and a services stack per stage and, per fleet account, the roles
 * Ward assumes there, checked by cdk-nag at synth; or,
 * with `-c ward:pipeline=true`, the pipeline that deploys those stacks stage by stage.
 */
function main(): void {
  const app = new App();
  const pipelineContext: unknown = app.node.tryGetContext(PIPELINE_CONTEXT_KEY);
  const asPipeline = pipelineContext === true || pipelineContext === 'true';
  let stageConfigs;
  let pipelineSettings;
  try {
    stageConfigs = loadStageConfigs();
    // The fleet accounts' roles name the account each of Ward's stages runs in.
    pipelineSettings = loadPipelineSettings();
  } catch (error) {
    if (!(error instanceof StageConfigError)) throw error;
    // A config mistake is the operator's to fix: show what is wrong, not a stack trace.
    console.error(error.message);
    process.exitCode = 1;
    return;
  }

  if (asPipeline) {
    new WardPipelineStack(app, WARD_PIPELINE_STACK_NAME, {
      settings: pipelineSettings,
      stages: stageConfigs,
    });
  } else {
    for (const config of stageConfigs) {
      const data = new WardStack(app, wardStackName(config.stage), { config });
      new WardServicesStack(app, wardServicesStackName(config.stage), { config, data });
    }
    // Deployed to each fleet account with its own credentials (`cdk deploy Ward-fleet-prod`).
    addFleetAccessStacks(app, stageConfigs, pipelineSettings);
  }
  // cdk-nag 3 is a policy-validation plugin (not an aspect): any finding fails the synth.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  app.synth();
}

main();
