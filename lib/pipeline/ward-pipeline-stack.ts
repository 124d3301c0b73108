import { Stack, Stage, type StackProps, type StageProps } from 'aws-cdk-lib';
import {
  CodePipeline,
  CodePipelineSource,
  ManualApprovalStep,
  ShellStep,
} from 'aws-cdk-lib/pipelines';
import type { Construct } from 'constructs';
import { PipelineType } from 'aws-cdk-lib/aws-codepipeline';
import type { PipelineSettings } from '../config/pipeline-config';
import { acknowledgePipelineWildcards } from './pipeline-acknowledgements';
import { PipelineArtifacts } from './pipeline-artifacts';
import type { StageConfig } from '../config/stage-config';
import { WardServicesStack, wardServicesStackName } from '../ward-services-stack';
import { WardStack, wardStackName } from '../ward-stack';

/** The name of the stack that holds Ward's own delivery pipeline. */
export const WARD_PIPELINE_STACK_NAME = 'Ward-pipeline';

/** The context key that makes `bin/app.ts` synthesize the pipeline instead of bare stacks. */
export const PIPELINE_CONTEXT_KEY = 'ward:pipeline';

/** One stage's deployment: the same two stacks, with the same names, as a plain synth makes. */
export class WardDeployment extends Stage {
  constructor(scope: Construct, id: string, props: StageProps & { readonly config: StageConfig }) {
    const { config, ...stageProps } = props;
    super(scope, id, stageProps);
    const data = new WardStack(this, wardStackName(config.stage), {
      config,
      stackName: wardStackName(config.stage),
    });
    new WardServicesStack(this, wardServicesStackName(config.stage), {
      config,
      data,
      stackName: wardServicesStackName(config.stage),
    });
  }
}

export interface WardPipelineStackProps extends Omit<StackProps, 'env'> {
  readonly settings: PipelineSettings;
  /** Every stage, in promotion order. */
  readonly stages: readonly StageConfig[];
}

/**
 * Ward deploying itself: a self-mutating CDK pipeline in the tools account that tests and
 * synthesizes main, then deploys s101, then s102, then (after a person approves) prod, each to
 * its own account. A red build deploys nothing; production never deploys without the gate.
 */
export class WardPipelineStack extends Stack {
  readonly pipeline: CodePipeline;

  constructor(scope: Construct, id: string, props: WardPipelineStackProps) {
    const { settings, stages, ...stackProps } = props;
    super(scope, id, {
      description: 'Ward: the pipeline that deploys Ward to s101, s102 and prod',
      ...stackProps,
      env: { account: settings.account, region: settings.region },
      terminationProtection: true,
    });
    const source = CodePipelineSource.connection(
      settings.source.repository,
      settings.source.branch,
      { connectionArn: settings.source.connectionArn },
    );
    const artifacts = new PipelineArtifacts(this, 'Artifacts');
    this.pipeline = new CodePipeline(this, 'Pipeline', {
      pipelineName: 'ward',
      pipelineType: PipelineType.V2,
      // Stages deploy to other accounts: artifacts are encrypted with a key they are granted.
      artifactBucket: artifacts.bucket,
      synth: new ShellStep('Synth', {
        input: source,
        // The whole test suite runs before anything is synthesized for deployment.
        commands: ['npm ci', 'npm test', `npx cdk synth -c ${PIPELINE_CONTEXT_KEY}=true`],
      }),
    });
    for (const config of stages) {
      const account = settings.stageAccounts[config.stage];
      const deployment = new WardDeployment(this, config.stage, {
        env: { account, region: config.region },
        config: { ...config, account },
      });
      this.pipeline.addStage(
        deployment,
        config.stage === 'prod'
          ? {
              pre: [
                new ManualApprovalStep('ApproveProduction', {
                  comment: `Deploy Ward to production: s101 and s102 run this commit; approve only after checking them.`,
                }),
              ],
            }
          : {},
      );
    }
    acknowledgePipelineWildcards(this.pipeline, artifacts.bucket);
  }
}
