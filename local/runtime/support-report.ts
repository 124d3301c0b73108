import type { LocalAssembly } from '../template/local-assembly';

/** Resource types the runtime runs. */
export const RUN_TYPES = new Set([
  'AWS::DynamoDB::Table',
  'AWS::Lambda::Function',
  'AWS::ApiGatewayV2::Api',
  'AWS::ApiGatewayV2::Route',
  'AWS::ApiGatewayV2::Integration',
  'AWS::ApiGatewayV2::Authorizer',
  'AWS::ApiGatewayV2::Stage',
  'AWS::StepFunctions::StateMachine',
  'AWS::Events::EventBus',
  'AWS::Events::Rule',
  'AWS::SNS::Topic',
  'AWS::SNS::Subscription',
  'AWS::SQS::Queue',
  'AWS::S3::Bucket',
  'AWS::Logs::SubscriptionFilter',
  'AWS::Lambda::EventSourceMapping',
  'AWS::Lambda::EventInvokeConfig',
]);

/** Types with nothing to run on one machine: permissions, keys and logs only matter in AWS. */
export const NOT_ENFORCED_TYPES: Readonly<Record<string, string>> = {
  'AWS::IAM::Role': 'IAM is not enforced locally: every function may call everything',
  'AWS::IAM::Policy': 'IAM is not enforced locally',
  'AWS::IAM::ManagedPolicy': 'IAM is not enforced locally',
  'AWS::KMS::Key':
    'encryption at rest is AWS-side (local data is unencrypted); signing keys are served by the local KMS stand-in',
  'AWS::KMS::Alias': 'encryption at rest is AWS-side',
  'AWS::Logs::LogGroup':
    'function logs go to the runtime log; HTTP API access logs are kept and feed subscription filters',
  'AWS::Lambda::Permission': 'resource policies are not enforced locally',
  'AWS::SQS::QueuePolicy': 'resource policies are not enforced locally',
  'AWS::SNS::TopicPolicy': 'resource policies are not enforced locally',
  'AWS::S3::BucketPolicy': 'resource policies are not enforced locally',
  'AWS::Events::EventBusPolicy': 'resource policies are not enforced locally',
  'AWS::CDK::Metadata': 'CDK bookkeeping',
  'AWS::Events::Archive':
    'EventBridge archives and replay are AWS-side; locally every bus event is kept in memory (ward local events)',
};

export interface SupportReport {
  /** Types run, with counts. */
  readonly running: Readonly<Record<string, number>>;
  /** What exists but has no local effect, and why. */
  readonly notEnforced: readonly string[];
  /** What the runtime cannot run: requests that need it are refused. */
  readonly unsupported: readonly string[];
}

/** Says, before anything runs, what of the template the runtime runs and what it does not. */
export function supportReport(
  assembly: LocalAssembly,
  extraUnsupported: readonly string[],
): SupportReport {
  const running: Record<string, number> = {};
  const notEnforced = new Set<string>();
  const unsupported: string[] = [];
  for (const resource of assembly.resources) {
    const where = `${resource.stackName}/${resource.logicalId}`;
    if (RUN_TYPES.has(resource.type)) {
      running[resource.type] = (running[resource.type] ?? 0) + 1;
      const p = resource.properties;
      if (
        resource.type === 'AWS::DynamoDB::Table' &&
        (p.SSESpecification || p.PointInTimeRecoverySpecification)
      )
        notEnforced.add('DynamoDB encryption keys and point-in-time recovery: AWS-side only');
      if (resource.type === 'AWS::SNS::Subscription' && p.FilterPolicy !== undefined)
        unsupported.push(
          `${where}: SNS filter policies are not supported; this subscription receives nothing`,
        );
      // Access logs are written locally (they feed subscription filters); throttling is not.
      if (resource.type === 'AWS::ApiGatewayV2::Stage' && p.DefaultRouteSettings)
        notEnforced.add('HTTP API throttling: AWS-side only');
      if (resource.type === 'AWS::ApiGatewayV2::Api' && p.CorsConfiguration !== undefined)
        notEnforced.add('HTTP API CORS: not applied locally');
      if (resource.type === 'AWS::ApiGatewayV2::Integration' && p.IntegrationType !== 'AWS_PROXY')
        unsupported.push(
          `${where}: integration type ${String(p.IntegrationType)} is not supported; its routes answer 404`,
        );
      if (
        resource.type === 'AWS::ApiGatewayV2::Authorizer' &&
        p.AuthorizerType !== 'JWT' &&
        !(p.AuthorizerType === 'REQUEST' && p.AuthorizerPayloadFormatVersion === '2.0')
      )
        unsupported.push(
          `${where}: ${String(p.AuthorizerType)} authorizers (other than JWT and Lambda REQUEST with payload 2.0) are not supported; their routes answer 404`,
        );
    } else if (resource.type in NOT_ENFORCED_TYPES) {
      notEnforced.add(`${resource.type}: ${NOT_ENFORCED_TYPES[resource.type]}`);
    } else {
      unsupported.push(`${where}: ${resource.type} is not run locally`);
    }
  }
  notEnforced.add(
    'EventBridge retry policies: a failed delivery goes straight to the dead-letter queue',
  );
  return {
    running,
    notEnforced: [...notEnforced].sort(),
    unsupported: [...unsupported, ...extraUnsupported],
  };
}
