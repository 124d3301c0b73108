import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
  type ITable,
} from 'aws-cdk-lib/aws-dynamodb';
import type { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import { Key, type IKey } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { RegistryTableKeys } from '../../lambdas/contracts/registry-table';

/** Properties of a {@link RegistryTable}. */
export interface RegistryTableProps {
  /**
   * The customer-managed key that encrypts the table at rest.
   * @default - a new key with yearly rotation, retained when the stack is deleted
   */
  readonly encryptionKey?: IKey;
  /**
   * Whether DynamoDB refuses to delete the table, even when CloudFormation asks.
   * @default true
   */
  readonly deletionProtection?: boolean;
}

/**
 * The registry table: one DynamoDB table (single-table design) for services, teams, rules,
 * change requests, bundles and stage records, with the key shapes the runtime adapter expects.
 *
 * It is an `AWS::DynamoDB::Table` (the `Table` L2, not `TableV2`) because the local runtime
 * recreates tables in DynamoDB Local from that resource type in the synthesized template.
 */
export class RegistryTable extends Construct {
  /** The table. Functions learn its name through `REGISTRY_TABLE_ENV`. */
  public readonly table: ITable;
  /** The key the table is encrypted with; readers and writers need it too. */
  public readonly encryptionKey: IKey;

  constructor(scope: Construct, id: string, props: RegistryTableProps = {}) {
    super(scope, id);

    this.encryptionKey =
      props.encryptionKey ??
      new Key(this, 'Key', {
        description: 'Encrypts the Ward registry table at rest',
        enableKeyRotation: true,
        // Without the key the retained table (and its backups) could never be read again.
        removalPolicy: RemovalPolicy.RETAIN,
      });

    const { reverseIndex, supersededIndex } = RegistryTableKeys;
    const table = new Table(this, 'Table', {
      partitionKey: { name: RegistryTableKeys.partitionKey, type: AttributeType.STRING },
      sortKey: { name: RegistryTableKeys.sortKey, type: AttributeType.STRING },
      // Traffic is bursty (CI runs, approvals); on-demand needs no capacity planning.
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: RegistryTableKeys.timeToLiveAttribute,
      // Every write, with what it replaced: the audit pipeline sees writes made outside the
      // approval workflow (console, scripts) as well as the workflow's own.
      stream: StreamViewType.NEW_AND_OLD_IMAGES,
      deletionProtection: props.deletionProtection ?? true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    table.addGlobalSecondaryIndex({
      indexName: reverseIndex.name,
      partitionKey: { name: reverseIndex.partitionKey, type: AttributeType.STRING },
      sortKey: { name: reverseIndex.sortKey, type: AttributeType.STRING },
      // Reverse look-ups return whole items, so a second read per hit is not needed.
      projectionType: ProjectionType.ALL,
    });
    table.addGlobalSecondaryIndex({
      indexName: supersededIndex.name,
      partitionKey: { name: supersededIndex.partitionKey, type: AttributeType.STRING },
      sortKey: { name: supersededIndex.sortKey, type: AttributeType.STRING },
      // The collector only needs the keys of superseded versions to delete them.
      projectionType: ProjectionType.KEYS_ONLY,
    });
    this.table = table;
  }

  /** Lets `grantee` read items and query both indexes (and decrypt with the table's key). */
  public grantReadData(grantee: IGrantable): Grant {
    return this.table.grantReadData(grantee);
  }

  /** Lets `grantee` read and write items (and use the table's key to do so). */
  public grantReadWriteData(grantee: IGrantable): Grant {
    return this.table.grantReadWriteData(grantee);
  }
}
