import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { StageConfigError } from '../lib/config/stage-config';
import { loadStageConfigs } from '../lib/config/stages';
import { WardServicesStack, wardServicesStackName } from '../lib/ward-services-stack';
import { WardStack, wardStackName } from '../lib/ward-stack';

/** The CDK app: one stateful Ward stack per stage, checked by cdk-nag at synth. */
function main(): void {
  let stageConfigs;
  try {
    stageConfigs = loadStageConfigs();
  } catch (error) {
    if (!(error instanceof StageConfigError)) throw error;
    // A config mistake is the operator's to fix: show what is wrong, not a stack trace.
    console.error(error.message);
    process.exitCode = 1;
    return;
  }

  const app = new App();
  for (const config of stageConfigs) {
    const data = new WardStack(app, wardStackName(config.stage), { config });
    new WardServicesStack(app, wardServicesStackName(config.stage), { config, data });
  }
  // cdk-nag 3 is a policy-validation plugin (not an aspect): any finding fails the synth.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  app.synth();
}

main();
