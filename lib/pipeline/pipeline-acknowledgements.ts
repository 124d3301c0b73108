import { Stack, Validations } from 'aws-cdk-lib';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { CodePipeline } from 'aws-cdk-lib/pipelines';
import type { IConstruct } from 'constructs';
import { acknowledgeWildcardResource } from '../constructs/nag';

/** CDK's read/write grant on a bucket and its key: the action families it always writes. */
const ARTIFACT_GRANT_ACTIONS = [
  'kms:GenerateDataKey*',
  'kms:ReEncrypt*',
  's3:Abort*',
  's3:DeleteObject*',
  's3:GetBucket*',
  's3:GetObject*',
  's3:List*',
];

/**
 * The wildcards in the roles CDK Pipelines writes for itself, each acknowledged where it is,
 * with why it is needed. Anything else a change adds still fails cdk-nag.
 */
export function acknowledgePipelineWildcards(pipeline: CodePipeline, artifacts: IBucket): void {
  pipeline.buildPipeline();
  const { account, region } = Stack.of(pipeline);
  for (const action of ARTIFACT_GRANT_ACTIONS)
    Validations.of(pipeline).acknowledge({
      id: `AwsSolutions-IAM5[Action::${action}]`,
      reason:
        'CDK’s read/write grant on the pipeline’s own artifact bucket and its key: the action families are CDK’s, the resources that bucket and key only.',
    });
  acknowledgeWildcardResource(
    pipeline,
    `${artifacts.bucketArn}/*`,
    'Build artifacts are objects of the pipeline’s own bucket, named by CodePipeline per run.',
  );
  for (const project of [pipeline.synthProject, pipeline.selfMutationProject]) {
    acknowledgeWildcardResource(
      project,
      `arn:aws:logs:${region}:${account}:log-group:/aws/codebuild/${project.projectName}:*`,
      'CodeBuild writes a log stream per build in the project’s own log group.',
    );
    acknowledgeWildcardResource(
      project,
      `arn:aws:codebuild:${region}:${account}:report-group/${project.projectName}-*`,
      'CodeBuild creates report groups named after the project.',
    );
  }
  const selfMutationRole = pipeline.selfMutationProject.role;
  if (selfMutationRole !== undefined) {
    acknowledgeOn(
      selfMutationRole,
      `arn:*:iam::${account}:role/*`,
      'Self-mutation assumes the CDK bootstrap roles (cdk-*-deploy-role and friends) of the tools account, whose names carry the bootstrap qualifier.',
    );
    acknowledgeOn(
      selfMutationRole,
      '*',
      'Self-mutation reads stack state (cloudformation:DescribeStacks) and lists buckets to deploy the pipeline stack; neither accepts a narrower resource.',
    );
  }
  const fileRole = pipeline.node.tryFindChild('Assets')?.node.tryFindChild('FileRole');
  if (fileRole !== undefined) {
    acknowledgeOn(
      fileRole,
      '*',
      'Asset publishing reads the bootstrap stack’s buckets in each stage account, whose names are known only there.',
    );
    acknowledgeOn(
      fileRole,
      `arn:aws:logs:${region}:${account}:log-group:/aws/codebuild/*`,
      'Asset projects are created per asset by CDK Pipelines and log to their own groups.',
    );
    acknowledgeOn(
      fileRole,
      `arn:aws:codebuild:${region}:${account}:report-group/*`,
      'Asset projects are created per asset by CDK Pipelines and report to their own groups.',
    );
  }
}

function acknowledgeOn(scope: IConstruct, resource: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
}
