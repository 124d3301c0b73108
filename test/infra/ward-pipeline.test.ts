import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { StageConfigError } from '../../lib/config/stage-config';
import { parsePipelineSettings } from '../../lib/config/pipeline-config';
import { loadPipelineSettings, loadStageConfigs, PIPELINE_SETTINGS } from '../../lib/config/stages';
import { WardPipelineStack } from '../../lib/pipeline/ward-pipeline-stack';
import { testApp } from './support/ward-app';

interface PipelineStage {
  Name: string;
  Actions: {
    Name: string;
    ActionTypeId: { Provider: string };
    RunOrder: number;
    RoleArn?: unknown;
  }[];
}

const stack = new WardPipelineStack(testApp(), 'Ward-pipeline', {
  settings: loadPipelineSettings(),
  stages: loadStageConfigs(),
});
const template = Template.fromStack(stack);
const stages = (): PipelineStage[] => {
  const pipelines = template.findResources('AWS::CodePipeline::Pipeline');
  const [pipeline] = Object.values(pipelines) as { Properties: { Stages: PipelineStage[] } }[];
  if (pipeline === undefined) throw new Error('no pipeline in the template');
  return pipeline.Properties.Stages;
};

describe('Ward’s own pipeline', () => {
  it('given the shipped settings, then it builds, updates itself, publishes assets, and deploys s101, s102 and prod in that order', () => {
    expect(stages().map((s) => s.Name)).toEqual([
      'Source',
      'Build',
      'UpdatePipeline',
      'Assets',
      's101',
      's102',
      'prod',
    ]);
  });

  it('given the prod stage, then a manual approval runs before anything of it deploys, and only there', () => {
    const byName = new Map(stages().map((s) => [s.Name, s]));
    const prod = byName.get('prod')?.Actions ?? [];
    const manual = prod.filter((a) => a.ActionTypeId.Provider === 'Manual');
    expect(manual.map((a) => a.Name)).toEqual(['ApproveProduction']);
    const deploys = prod.filter((a) => a.ActionTypeId.Provider === 'CloudFormation');
    expect(deploys.length).toBe(4);
    for (const deploy of deploys) expect(deploy.RunOrder).toBeGreaterThan(manual[0]!.RunOrder);
    for (const stage of ['s101', 's102'])
      expect(
        byName.get(stage)?.Actions.filter((a) => a.ActionTypeId.Provider === 'Manual'),
      ).toEqual([]);
  });

  it('given each stage, then its two stacks deploy, stateful first, into that stage’s account', () => {
    for (const stage of ['s101', 's102', 'prod'] as const) {
      const actions = stages().find((s) => s.Name === stage)?.Actions ?? [];
      expect(
        actions.filter((a) => a.ActionTypeId.Provider === 'CloudFormation').map((a) => a.Name),
      ).toEqual([
        `Ward-${stage}.Prepare`,
        `Ward-${stage}.Deploy`,
        `Ward-${stage}-services.Prepare`,
        `Ward-${stage}-services.Deploy`,
      ]);
      const account = PIPELINE_SETTINGS.stageAccounts[stage];
      for (const action of actions.filter((a) => a.ActionTypeId.Provider === 'CloudFormation'))
        expect(JSON.stringify(action.RoleArn)).toContain(`:${account}:role/cdk-`);
    }
  });

  it('given the source, then it is the configured repository and branch through the configured connection', () => {
    const source = stages()[0]?.Actions[0] as unknown as { Configuration: Record<string, unknown> };
    expect(source.Configuration).toMatchObject({
      ConnectionArn: PIPELINE_SETTINGS.source.connectionArn,
      FullRepositoryId: PIPELINE_SETTINGS.source.repository,
      BranchName: PIPELINE_SETTINGS.source.branch,
    });
  });

  it('given the build, then the whole test suite runs before the synth that deploys', () => {
    const projects = template.findResources('AWS::CodeBuild::Project');
    const synth = Object.values(projects)
      .map((p) => JSON.stringify((p as { Properties: { Source: unknown } }).Properties.Source))
      .find((spec) => spec.includes('cdk synth'));
    expect(synth).toBeDefined();
    expect(synth!.indexOf('npm test')).toBeGreaterThan(-1);
    expect(synth!.indexOf('npm test')).toBeLessThan(synth!.indexOf('cdk synth'));
  });

  it('given the artifact store, then it is KMS-encrypted with a rotating key, versioned and access-logged', () => {
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    template.hasResourceProperties('AWS::S3::Bucket', {
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { LogFilePrefix: 'artifacts/' },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } },
        ],
      },
    });
  });

  it('given cdk-nag’s AwsSolutions checks, then the pipeline and every stage it deploys pass', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);
    expect(
      report.violations.map((v) => ({
        rule: v.ruleName,
        at: v.violatingResources.map((r) => r.constructPath),
      })),
    ).toEqual([]);
  });
});

describe('pipeline settings', () => {
  it('given a staging account that is the production account, then the config is refused naming it', () => {
    expect(() =>
      parsePipelineSettings({
        ...PIPELINE_SETTINGS,
        stageAccounts: { ...PIPELINE_SETTINGS.stageAccounts, s102: '444444444444' },
      }),
    ).toThrow(
      new StageConfigError([
        'pipeline.stageAccounts.s102: must differ from the production account',
      ]),
    );
  });

  it('given a malformed connection and a missing stage account, then each is named', () => {
    let error: unknown;
    try {
      parsePipelineSettings({
        ...PIPELINE_SETTINGS,
        source: { ...PIPELINE_SETTINGS.source, connectionArn: 'github-token' },
        stageAccounts: { s101: '222222222222', s102: '333333333333' },
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StageConfigError);
    expect((error as StageConfigError).problems).toEqual([
      'pipeline.source.connectionArn: must be a CodeStar connection ARN',
      expect.stringMatching(/^pipeline\.stageAccounts\.prod: /),
    ]);
  });
});
