import type { CloudFormationResource, StackTemplate } from './cloudformation';
import {
  conditionsOf,
  evaluateCondition,
  resolveIntrinsics,
  type ResolutionContext,
  type ResourceValues,
} from './intrinsics';

/** Where the local runtime lives, which resource values point at. */
export interface LocalEnvironment {
  readonly region: string;
  readonly accountId: string;
  /** The local AWS endpoint (queue URLs point here). */
  readonly awsEndpoint: string;
  /** The local HTTP API endpoint (ApiEndpoint attributes point here). */
  readonly apiEndpoint: string;
}

/** One resource of the assembly, with its properties resolved to local values. */
export interface LocalResource {
  readonly stackName: string;
  readonly logicalId: string;
  readonly type: string;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly values: ResourceValues;
}

export interface LocalAssembly {
  readonly resources: readonly LocalResource[];
  /** Resources by logical id, per stack, for reference between resources. */
  byLogicalId(stackName: string, logicalId: string): LocalResource | undefined;
  ofType(type: string): LocalResource[];
  /** A resource by its local ARN (or name, for types whose Ref is a name). */
  byArn(arn: string): LocalResource | undefined;
}

/**
 * Reads the stacks of a synthesized assembly into local resources: assigns every resource the
 * name and ARN it has locally, resolves exports between stacks, then resolves every property.
 */
export function buildLocalAssembly(
  stacks: readonly StackTemplate[],
  env: LocalEnvironment,
): LocalAssembly {
  const valuesByStack = new Map<string, Map<string, ResourceValues>>();
  const contextOf = (
    stack: StackTemplate,
    exports: ReadonlyMap<string, string>,
  ): ResolutionContext => ({
    region: env.region,
    accountId: env.accountId,
    stackName: stack.stackName,
    resources: valuesByStack.get(stack.stackName) ?? new Map(),
    exports,
    conditions: conditionsOf(stack.template),
  });

  for (const stack of stacks) {
    const values = new Map<string, ResourceValues>();
    valuesByStack.set(stack.stackName, values);
    for (const [logicalId, resource] of Object.entries(stack.template.Resources)) {
      const named = (property: string) => {
        const raw = resource.Properties?.[property];
        return raw === undefined
          ? undefined
          : String(resolveIntrinsics(raw, contextOf(stack, new Map())));
      };
      values.set(logicalId, localValues(resource, logicalId, stack.stackName, named, env));
    }
  }

  const exports = new Map<string, string>();
  for (const stack of stacks) {
    for (const output of Object.values(stack.template.Outputs ?? {})) {
      if (output.Export === undefined) continue;
      const context = contextOf(stack, new Map());
      exports.set(
        String(resolveIntrinsics(output.Export.Name, context)),
        String(resolveIntrinsics(output.Value, context)),
      );
    }
  }

  const resources: LocalResource[] = [];
  for (const stack of stacks) {
    const context = contextOf(stack, exports);
    for (const [logicalId, resource] of Object.entries(stack.template.Resources)) {
      if (resource.Condition !== undefined && !evaluateCondition(resource.Condition, context))
        continue;
      resources.push({
        stackName: stack.stackName,
        logicalId,
        type: resource.Type,
        properties: (resolveIntrinsics(resource.Properties ?? {}, context) ?? {}) as Record<
          string,
          unknown
        >,
        metadata: resource.Metadata ?? {},
        values: valuesByStack.get(stack.stackName)?.get(logicalId) ?? {
          ref: logicalId,
          attributes: {},
        },
      });
    }
  }

  const byArn = new Map<string, LocalResource>();
  for (const resource of resources) {
    for (const value of [resource.values.ref, ...Object.values(resource.values.attributes)]) {
      if (!byArn.has(value)) byArn.set(value, resource);
    }
  }
  return {
    resources,
    byLogicalId: (stackName, logicalId) =>
      resources.find((r) => r.stackName === stackName && r.logicalId === logicalId),
    ofType: (type) => resources.filter((r) => r.type === type),
    byArn: (arn) => byArn.get(arn),
  };
}

/** CloudFormation's default physical name: stack and logical id (minus its random suffix). */
function defaultName(stackName: string, logicalId: string, maxLength = 64): string {
  return `${stackName}-${logicalId}`.slice(0, maxLength);
}

function localValues(
  resource: CloudFormationResource,
  logicalId: string,
  stackName: string,
  named: (property: string) => string | undefined,
  env: LocalEnvironment,
): ResourceValues {
  const { region: r, accountId: a } = env;
  const arn = (service: string, resourcePart: string, regional = true) =>
    `arn:aws:${service}:${regional ? r : ''}:${a}:${resourcePart}`;
  switch (resource.Type) {
    case 'AWS::DynamoDB::Table': {
      const name = named('TableName') ?? defaultName(stackName, logicalId, 255);
      const tableArn = arn('dynamodb', `table/${name}`);
      return { ref: name, attributes: { Arn: tableArn, StreamArn: `${tableArn}/stream/local` } };
    }
    case 'AWS::Lambda::Function': {
      const name = named('FunctionName') ?? defaultName(stackName, logicalId);
      return { ref: name, attributes: { Arn: arn('lambda', `function:${name}`) } };
    }
    case 'AWS::SQS::Queue': {
      const fifo = resource.Properties?.FifoQueue === true;
      const name =
        named('QueueName') ??
        `${defaultName(stackName, logicalId, fifo ? 75 : 80)}${fifo ? '.fifo' : ''}`;
      const url = `${env.awsEndpoint}/${a}/${name}`;
      return { ref: url, attributes: { Arn: arn('sqs', name), QueueName: name, QueueUrl: url } };
    }
    case 'AWS::SNS::Topic': {
      const name = named('TopicName') ?? defaultName(stackName, logicalId, 256);
      const topicArn = arn('sns', name);
      return { ref: topicArn, attributes: { TopicArn: topicArn, TopicName: name } };
    }
    case 'AWS::SNS::Subscription':
      return { ref: arn('sns', `subscription/${logicalId}`), attributes: {} };
    case 'AWS::Events::EventBus': {
      const name = named('Name') ?? defaultName(stackName, logicalId);
      return { ref: name, attributes: { Arn: arn('events', `event-bus/${name}`), Name: name } };
    }
    case 'AWS::Events::Rule': {
      const name = named('Name') ?? defaultName(stackName, logicalId);
      return { ref: name, attributes: { Arn: arn('events', `rule/${name}`) } };
    }
    case 'AWS::Events::Archive': {
      const name = named('ArchiveName') ?? defaultName(stackName, logicalId, 48);
      return { ref: name, attributes: { Arn: arn('events', `archive/${name}`) } };
    }
    case 'AWS::StepFunctions::StateMachine': {
      const name = named('StateMachineName') ?? defaultName(stackName, logicalId, 80);
      const machineArn = arn('states', `stateMachine:${name}`);
      return { ref: machineArn, attributes: { Arn: machineArn, Name: name } };
    }
    case 'AWS::S3::Bucket': {
      const name = named('BucketName') ?? defaultName(stackName, logicalId, 63).toLowerCase();
      return {
        ref: name,
        attributes: {
          Arn: `arn:aws:s3:::${name}`,
          DomainName: `${name}.s3.amazonaws.com`,
          RegionalDomainName: `${name}.s3.${r}.amazonaws.com`,
        },
      };
    }
    case 'AWS::ApiGatewayV2::Api':
      return {
        ref: logicalId.toLowerCase().slice(0, 10),
        attributes: { ApiEndpoint: env.apiEndpoint, ApiId: logicalId.toLowerCase().slice(0, 10) },
      };
    case 'AWS::IAM::Role': {
      const name = named('RoleName') ?? defaultName(stackName, logicalId);
      return {
        ref: name,
        attributes: {
          Arn: `arn:aws:iam::${a}:role/${name}`,
          RoleId: `ROLE${logicalId.toUpperCase()}`,
        },
      };
    }
    case 'AWS::KMS::Key': {
      const id = `local-${logicalId.toLowerCase()}`;
      return { ref: id, attributes: { Arn: arn('kms', `key/${id}`), KeyId: id } };
    }
    case 'AWS::Logs::LogGroup': {
      const name = named('LogGroupName') ?? `/aws/local/${logicalId}`;
      return { ref: name, attributes: { Arn: arn('logs', `log-group:${name}:*`) } };
    }
    case 'AWS::Scheduler::ScheduleGroup': {
      const name = named('Name') ?? defaultName(stackName, logicalId);
      return { ref: name, attributes: { Arn: arn('scheduler', `schedule-group/${name}`) } };
    }
    default:
      return { ref: logicalId, attributes: {} };
  }
}
