/** The services whose SDK clients the runtime's AWS endpoint answers. */
const ENDPOINT_SERVICES = [
  'SFN',
  'EVENTBRIDGE',
  'SNS',
  'SQS',
  'S3',
  'WAFV2',
  'ROUTE53RESOLVER',
  'STS',
  'SCHEDULER',
  'LAMBDA',
  'KMS',
  'SSM',
] as const;

/**
 * The environment an SDK client needs to reach a local runtime, what its functions get too:
 * the SDK's own per-service endpoint settings, so production code runs unchanged.
 */
export function clientEnvironmentFor(runtime: {
  readonly region: string;
  readonly awsEndpoint: string;
  readonly dynamoDbEndpoint: string;
}): Record<string, string> {
  return {
    AWS_REGION: runtime.region,
    AWS_DEFAULT_REGION: runtime.region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: runtime.dynamoDbEndpoint,
    ...Object.fromEntries(
      ENDPOINT_SERVICES.map((service) => [`AWS_ENDPOINT_URL_${service}`, runtime.awsEndpoint]),
    ),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}
