import { Stage, Token } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { STAGES } from '../../lambdas/contracts/stages';
import type { StageConfig } from '../../lib/config/stage-config';
import { STAGE_TAG, type WardStack } from '../../lib/ward-stack';
import { shippedConfig, testApp, wardStack } from './support/ward-app';

/**
 * The logical ids of the stateful resources. They derive from construct ids, and CloudFormation
 * replaces a resource whose logical id changes: for the table that means a new, empty table
 * (the old one is retained but orphaned). If this test fails, do not update it: put the
 * construct ids back.
 */
const PINNED_LOGICAL_IDS = {
  'AWS::KMS::Key': [
    'RegistryKey1053ED4C',
    'BreakGlassKey1771A580',
    'AuditArchiveDigestKeyD3CA22E3',
  ],
  'AWS::DynamoDB::Table': ['RegistryTableDB777839', 'BreakGlassTable4B04BA47'],
  'AWS::Events::EventBus': ['AuditBusE928BA39'],
  'AWS::S3::Bucket': [
    'BundlesAccessLogsEF373217',
    'BundlesBucketB9647150',
    'ManifestsAccessLogsBBD238EE',
    'ManifestsBucket99AD6324',
    'AuditArchiveAccessLogs48C7A137',
    'AuditArchiveBucketDB93AD31',
  ],
  'AWS::Events::Archive': ['AuditArchiveReplayArchiveD6DBC016'],
} as const;

/** Resource types that hold data or keys; each must outlive its stack. */
const STATEFUL_TYPES = [
  'AWS::DynamoDB::Table',
  'AWS::KMS::Key',
  'AWS::S3::Bucket',
  'AWS::Events::EventBus',
  'AWS::Events::Archive',
];

function synth(config: StageConfig): { stack: WardStack; template: Template } {
  const stack = wardStack(config);
  return { stack, template: Template.fromStack(stack) };
}

/** What `cdk deploy` reads: the stack artifact in the synthesized cloud assembly. */
function artifactOf(stack: WardStack): { terminationProtection?: boolean; stackName: string } {
  const stage = Stage.of(stack);
  if (stage === undefined) throw new Error(`${stack.node.path} is in no app`);
  return stage.synth().getStackArtifact(stack.artifactId);
}

describe.each(STAGES)('WardStack for the shipped %s config', (stage) => {
  const config = shippedConfig(stage);
  const { stack, template } = synth(config);
  const tableId = PINNED_LOGICAL_IDS['AWS::DynamoDB::Table'][0];
  const keyId = PINNED_LOGICAL_IDS['AWS::KMS::Key'][0];

  it('is named Ward-<stage> and deploys to the configured region, account-agnostic', () => {
    expect(artifactOf(stack).stackName).toBe(`Ward-${stage}`);
    expect(stack.region).toBe(config.region);
    expect(Token.isUnresolved(stack.account)).toBe(true);
  });

  it('keeps the stateful resources at their pinned logical ids', () => {
    for (const [type, ids] of Object.entries(PINNED_LOGICAL_IDS)) {
      expect(Object.keys(template.findResources(type))).toEqual(ids);
    }
  });

  it('retains every stateful resource on delete and on replacement', () => {
    for (const type of STATEFUL_TYPES) {
      for (const [id, resource] of Object.entries(template.findResources(type))) {
        expect({ id, policies: [resource.DeletionPolicy, resource.UpdateReplacePolicy] }).toEqual({
          id,
          policies: ['Retain', 'Retain'],
        });
      }
    }
  });

  it('sets termination protection and table deletion protection as the config says', () => {
    expect(artifactOf(stack).terminationProtection).toBe(config.terminationProtection);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      DeletionProtectionEnabled: config.registryTable.deletionProtection,
    });
  });

  it('outputs the registry table name for operators', () => {
    template.hasOutput('RegistryTableName', { Value: { Ref: tableId } });
  });

  it('tags the table and its key with the stage', () => {
    const tag = Match.arrayWith([{ Key: STAGE_TAG, Value: stage }]);
    template.hasResourceProperties('AWS::DynamoDB::Table', { Tags: tag });
    template.hasResourceProperties('AWS::KMS::Key', { Tags: tag });
  });

  it('encrypts the table with the key of the stack', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: Match.objectLike({ KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } }),
    });
  });

  it('carries no CDK warnings or errors', () => {
    const annotations = Annotations.fromStack(stack);
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
  });
});

describe('WardStack protection per stage', () => {
  it('given prod, the stack is termination-protected and the table deletion-protected', () => {
    const { stack, template } = synth(shippedConfig('prod'));
    expect(artifactOf(stack).terminationProtection).toBe(true);
    template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
  });

  it('given s101, neither the stack nor the table refuses deletion', () => {
    const { stack, template } = synth(shippedConfig('s101'));
    expect(artifactOf(stack).terminationProtection).toBe(false);
    template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
  });

  it('given a config that flips both switches, the stack follows the config', () => {
    const s101 = shippedConfig('s101');
    const flipped: StageConfig = {
      ...s101,
      terminationProtection: !s101.terminationProtection,
      registryTable: { deletionProtection: !s101.registryTable.deletionProtection },
    };
    const { stack, template } = synth(flipped);
    expect(artifactOf(stack).terminationProtection).toBe(flipped.terminationProtection);
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      DeletionProtectionEnabled: flipped.registryTable.deletionProtection,
    });
  });

  it('given an account, the stack is pinned to that account', () => {
    const config: StageConfig = { ...shippedConfig('s102'), account: '123456789012' };
    expect(wardStack(config, testApp()).account).toBe('123456789012');
  });
});
