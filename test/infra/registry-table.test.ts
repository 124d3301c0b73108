import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Stack, type CfnElement } from 'aws-cdk-lib';
import { Capture, Match, Template } from 'aws-cdk-lib/assertions';
import { AccountRootPrincipal, Role } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { RegistryTableKeys } from '../../lambdas/contracts/registry-table';
import { RegistryTable, type RegistryTableProps } from '../../lib/constructs/registry-table';
import { allowedActions } from './support/iam';
import { testApp } from './support/ward-app';

const { partitionKey, sortKey, reverseIndex, supersededIndex, timeToLiveAttribute } =
  RegistryTableKeys;

/** A stack holding only a RegistryTable, so assertions see nothing else. */
function registryIn(props?: RegistryTableProps): {
  stack: Stack;
  registry: RegistryTable;
  template: () => Template;
} {
  const stack = new Stack(testApp(), 'Test');
  const registry = new RegistryTable(stack, 'Registry', props);
  return { stack, registry, template: () => Template.fromStack(stack) };
}

function logicalIdOf(stack: Stack, construct: { node: { defaultChild?: unknown } }): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

describe('RegistryTable', () => {
  describe('given default props', () => {
    const { stack, registry, template: synth } = registryIn();
    const template = synth();
    const keyId = logicalIdOf(stack, registry.encryptionKey);

    it('creates exactly one AWS::DynamoDB::Table (not a global table) and one KMS key', () => {
      template.resourceCountIs('AWS::DynamoDB::Table', 1);
      template.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
      template.resourceCountIs('AWS::KMS::Key', 1);
    });

    it('keys items by pk (HASH) and sk (RANGE) from the shared contract', () => {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        KeySchema: [
          { AttributeName: partitionKey, KeyType: 'HASH' },
          { AttributeName: sortKey, KeyType: 'RANGE' },
        ],
      });
    });

    it('defines every key attribute of table and indexes as a string, and nothing else', () => {
      const definitions = new Capture();
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        AttributeDefinitions: definitions,
      });
      const byName = (a: { AttributeName: string }, b: { AttributeName: string }): number =>
        a.AttributeName.localeCompare(b.AttributeName);
      const expected = [
        partitionKey,
        sortKey,
        reverseIndex.partitionKey,
        reverseIndex.sortKey,
        supersededIndex.partitionKey,
        supersededIndex.sortKey,
      ].map((name) => ({ AttributeName: name, AttributeType: 'S' }));
      expect([...(definitions.asArray() as { AttributeName: string }[])].sort(byName)).toEqual(
        expected.sort(byName),
      );
    });

    it('has the reverse-lookup index projecting ALL and the superseded index KEYS_ONLY', () => {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        GlobalSecondaryIndexes: Match.arrayEquals([
          {
            IndexName: reverseIndex.name,
            KeySchema: [
              { AttributeName: reverseIndex.partitionKey, KeyType: 'HASH' },
              { AttributeName: reverseIndex.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
          {
            IndexName: supersededIndex.name,
            KeySchema: [
              { AttributeName: supersededIndex.partitionKey, KeyType: 'HASH' },
              { AttributeName: supersededIndex.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ]),
      });
    });

    it('expires items on the TTL attribute, bills per request and keeps point-in-time recovery', () => {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TimeToLiveSpecification: { AttributeName: timeToLiveAttribute, Enabled: true },
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        ProvisionedThroughput: Match.absent(),
      });
    });

    it('encrypts the table with its own customer-managed key', () => {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        SSESpecification: {
          SSEEnabled: true,
          SSEType: 'KMS',
          KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
        },
      });
    });

    it('rotates the key and retains both key and table on delete and on replacement', () => {
      template.hasResource('AWS::KMS::Key', {
        Properties: Match.objectLike({ EnableKeyRotation: true }),
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
      template.hasResource('AWS::DynamoDB::Table', {
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    });

    it('turns deletion protection on', () => {
      template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
    });

    it('gives the table no fixed physical name, so CloudFormation can name it per stage', () => {
      template.hasResourceProperties('AWS::DynamoDB::Table', { TableName: Match.absent() });
    });
  });

  describe('given deletionProtection false', () => {
    it('leaves deletion protection off', () => {
      const { template } = registryIn({ deletionProtection: false });
      template().hasResourceProperties('AWS::DynamoDB::Table', {
        DeletionProtectionEnabled: false,
      });
    });
  });

  describe('given an encryption key of its own', () => {
    it('uses that key and creates none', () => {
      const stack = new Stack(testApp(), 'Test');
      const key = new Key(stack, 'SharedKey', { enableKeyRotation: true });
      const registry = new RegistryTable(stack, 'Registry', { encryptionKey: key });
      const template = Template.fromStack(stack);

      expect(registry.encryptionKey).toBe(key);
      template.resourceCountIs('AWS::KMS::Key', 1);
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        SSESpecification: Match.objectLike({
          KMSMasterKeyId: { 'Fn::GetAtt': [logicalIdOf(stack, key), 'Arn'] },
        }),
      });
    });
  });

  describe('when access is granted', () => {
    const { stack, registry, template: synth } = registryIn();
    const reader = new Role(stack, 'Reader', { assumedBy: new AccountRootPrincipal() });
    const writer = new Role(stack, 'Writer', { assumedBy: new AccountRootPrincipal() });
    registry.grantReadData(reader);
    registry.grantReadWriteData(writer);
    const template = synth();
    const tableArn = JSON.stringify({ 'Fn::GetAtt': [logicalIdOf(stack, registry.table), 'Arn'] });
    const keyArn = JSON.stringify({
      'Fn::GetAtt': [logicalIdOf(stack, registry.encryptionKey), 'Arn'],
    });
    const writes = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'];

    it('then a reader may get and query the table and its indexes, and decrypt with the key', () => {
      const allowed = allowedActions(template, logicalIdOf(stack, reader));
      for (const action of ['dynamodb:GetItem', 'dynamodb:Query']) {
        expect(allowed.get(action)).toEqual(
          expect.arrayContaining([tableArn, expect.stringContaining('/index/*')]),
        );
      }
      expect(allowed.get('kms:Decrypt')).toEqual([keyArn]);
    });

    it('then a reader may not write items nor encrypt with the key', () => {
      const allowed = allowedActions(template, logicalIdOf(stack, reader));
      for (const action of [...writes, 'dynamodb:BatchWriteItem', 'kms:Encrypt']) {
        expect(allowed.has(action)).toBe(false);
      }
    });

    it('then a writer may put, update and delete items and encrypt with the key', () => {
      const allowed = allowedActions(template, logicalIdOf(stack, writer));
      for (const action of writes) {
        expect(allowed.get(action)).toEqual(expect.arrayContaining([tableArn]));
      }
      expect(allowed.get('kms:GenerateDataKey*')).toEqual([keyArn]);
    });

    it('then no grant reaches beyond the table, its indexes and its key', () => {
      const everyResource = [
        ...allowedActions(template, logicalIdOf(stack, reader)).values(),
        ...allowedActions(template, logicalIdOf(stack, writer)).values(),
      ].flat();
      expect(everyResource).not.toContain(JSON.stringify('*'));
    });
  });
});

describe('lib/ source', () => {
  // The key names live in lambdas/contracts; a literal copy in lib/ would drift from the adapter.
  const names = [
    partitionKey,
    sortKey,
    reverseIndex.name,
    reverseIndex.partitionKey,
    reverseIndex.sortKey,
    supersededIndex.name,
    supersededIndex.partitionKey,
    supersededIndex.sortKey,
    timeToLiveAttribute,
  ];
  const libDir = join(__dirname, '../../lib');
  const sources = readdirSync(libDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => ({ file, text: readFileSync(join(libDir, file), 'utf8') }));

  it.each(names)('spells no registry key name as a string literal (%s)', (name) => {
    const literal = new RegExp(`['"\`]${name}['"\`]`);
    expect(sources.filter(({ text }) => literal.test(text)).map(({ file }) => file)).toEqual([]);
  });
});
