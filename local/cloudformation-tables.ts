import type {
  CreateTableCommandInput,
  StreamSpecification,
  TimeToLiveSpecification,
} from '@aws-sdk/client-dynamodb';
import type { CloudFormationTemplate } from './template/cloudformation';

/** A table of the template, ready to be created in DynamoDB Local under a name of our choosing. */
export interface TableDefinition {
  readonly logicalId: string;
  readonly create: Omit<CreateTableCommandInput, 'TableName'>;
  readonly timeToLive?: TimeToLiveSpecification;
  /**
   * The table's stream, as UpdateTable takes it (CloudFormation's StreamSpecification names the
   * view type only). Kept apart from `create` so the runtime can load data first and turn the
   * stream on after, as if the data had been there before the stream.
   */
  readonly stream?: StreamSpecification;
  /** Properties DynamoDB Local cannot honour (encryption keys, backups): listed, not faked. */
  readonly notRunLocally: readonly string[];
}

const CARRIED = [
  'KeySchema',
  'AttributeDefinitions',
  'GlobalSecondaryIndexes',
  'LocalSecondaryIndexes',
  'BillingMode',
  'ProvisionedThroughput',
  'DeletionProtectionEnabled',
];
const NOT_RUN_LOCALLY = [
  'SSESpecification',
  'PointInTimeRecoverySpecification',
  'ContributorInsightsSpecification',
  'KinesisStreamSpecification',
  'ResourcePolicy',
  'Tags',
  'TableClass',
];

/**
 * Every `AWS::DynamoDB::Table` of a synthesized template as a CreateTable request: the keys,
 * indexes and TTL the deployed table will have. Anything unexpected is refused rather than
 * dropped, so a new table property cannot silently be missing from local runs.
 */
export function tableDefinitionsFromTemplate(template: CloudFormationTemplate): TableDefinition[] {
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::DynamoDB::Table')
    .map(([logicalId, resource]) => tableDefinition(logicalId, resource.Properties ?? {}));
}

/** One table's CloudFormation properties (intrinsics resolved or not) as a CreateTable request. */
export function tableDefinition(
  logicalId: string,
  properties: Readonly<Record<string, unknown>>,
): TableDefinition {
  const create: Record<string, unknown> = {};
  const notRunLocally: string[] = [];
  let timeToLive: TimeToLiveSpecification | undefined;
  let stream: StreamSpecification | undefined;
  for (const [name, value] of Object.entries(properties)) {
    if (CARRIED.includes(name)) create[name] = value;
    else if (name === 'StreamSpecification')
      stream = {
        StreamEnabled: true,
        StreamViewType: (value as { StreamViewType: StreamSpecification['StreamViewType'] })
          .StreamViewType,
      };
    else if (name === 'TimeToLiveSpecification') timeToLive = value as TimeToLiveSpecification;
    else if (NOT_RUN_LOCALLY.includes(name)) notRunLocally.push(name);
    else if (name !== 'TableName')
      throw new Error(`table ${logicalId}: property ${name} is not supported by the local runtime`);
  }
  return {
    logicalId,
    create: create,
    ...(timeToLive ? { timeToLive } : {}),
    ...(stream ? { stream } : {}),
    notRunLocally,
  };
}
