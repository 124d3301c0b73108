import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { RegistryTableKeys } from '../../lambdas/contracts/registry-table';

const READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];
const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
];

/**
 * Lets `grantee` read the registry table and query its two indexes, by name (no `index/*`),
 * and decrypt with its key (no KMS action wildcards).
 */
export function grantTableRead(table: ITable, grantee: IGrantable): void {
  const indexes = [RegistryTableKeys.reverseIndex.name, RegistryTableKeys.supersededIndex.name].map(
    (name) => `${table.tableArn}/index/${name}`,
  );
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({ actions: READ_ACTIONS, resources: [table.tableArn, ...indexes] }),
  );
  if (table.encryptionKey !== undefined) {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kms:Decrypt', 'kms:DescribeKey'],
        resources: [table.encryptionKey.keyArn],
      }),
    );
  }
}

/**
 * Lets `grantee` write to the table only in partitions whose key starts with one of
 * `prefixes` (IAM's `dynamodb:LeadingKeys`), so a function that records change requests can
 * never touch the rule registry's own items, whatever its code does.
 */
export function grantPartitionWrite(
  table: ITable,
  grantee: IGrantable,
  prefixes: readonly string[],
): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: WRITE_ACTIONS,
      resources: [table.tableArn],
      conditions: {
        'ForAllValues:StringLike': {
          'dynamodb:LeadingKeys': prefixes.map((prefix) => `${prefix}*`),
        },
      },
    }),
  );
  if (table.encryptionKey !== undefined) {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kms:Encrypt', 'kms:GenerateDataKey'],
        resources: [table.encryptionKey.keyArn],
      }),
    );
  }
}

/**
 * Lets `grantee` read only the partitions whose key starts with one of `prefixes` (GetItem
 * and Query; IAM's `dynamodb:LeadingKeys`), and decrypt with the table's key.
 */
export function grantPartitionRead(
  table: ITable,
  grantee: IGrantable,
  prefixes: readonly string[],
): void {
  grantee.grantPrincipal.addToPrincipalPolicy(
    new PolicyStatement({
      actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'],
      resources: [table.tableArn],
      conditions: {
        'ForAllValues:StringLike': {
          'dynamodb:LeadingKeys': prefixes.map((prefix) => `${prefix}*`),
        },
      },
    }),
  );
  if (table.encryptionKey !== undefined) {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['kms:Decrypt', 'kms:DescribeKey'],
        resources: [table.encryptionKey.keyArn],
      }),
    );
  }
}
