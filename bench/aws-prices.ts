/**
 * AWS list prices (us-east-1, on demand, no free tier) the cost figures use, as published on
 * each service's pricing page in 2026. London (eu-west-2) is 5-15% dearer; the ratio between
 * the parts of a change's cost is what the figure is for.
 */
export const PRICES_USD = {
  /** Step Functions standard workflows, per state transition ($0.025 per 1,000). */
  stepFunctionsTransition: 0.025 / 1_000,
  /** Lambda, per request ($0.20 per million). */
  lambdaRequest: 0.2 / 1_000_000,
  /** Lambda on Arm (Ward's functions are arm64), per GB-second. */
  lambdaArmGbSecond: 0.0000133334,
  /** DynamoDB on demand, per write request unit ($0.625 per million). */
  dynamoDbWriteUnit: 0.625 / 1_000_000,
  /** DynamoDB on demand, per read request unit ($0.125 per million). */
  dynamoDbReadUnit: 0.125 / 1_000_000,
  /** API Gateway HTTP API, per request up to 300 million a month ($1.00 per million). */
  httpApiRequest: 1 / 1_000_000,
  /** EventBridge custom events, per 64 KB event ($1.00 per million). */
  eventBridgeEvent: 1 / 1_000_000,
  /** S3 standard PUT, COPY, POST, LIST ($0.005 per 1,000). */
  s3Put: 0.005 / 1_000,
} as const;

/** Prices the audit archive's cost adds (us-east-1, on demand, 2026 list prices). */
export const ARCHIVE_PRICES_USD = {
  /** SQS standard queue, per request (64 KB chunk) ($0.40 per million). */
  sqsRequest: 0.4 / 1_000_000,
  /** EventBridge archive, per GB of events archived ($0.10 per GB). */
  eventArchiveGb: 0.1,
  /** S3 standard storage, per GB-month. */
  s3StorageGbMonth: 0.023,
  /** KMS, per request on an ECC asymmetric key ($0.15 per 10,000). */
  kmsEccRequest: 0.15 / 10_000,
} as const;
