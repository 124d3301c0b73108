import { Aws, Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { accessLogBucket } from './access-log-bucket';

/** Properties of a {@link BundleBucket}. */
export interface BundleBucketProps {
  /** The bucket's name: fixed, so the stateless stack can name its objects without a cross-stack reference. */
  readonly bucketName: string;
  /**
   * How long old versions of an object are kept after they are replaced.
   * @default Duration.days(400)
   */
  readonly noncurrentVersionRetention?: Duration;
}

/**
 * Where compiled bundles live, content-addressed: versioned, encrypted, private, TLS only,
 * retained, with server access logs in a bucket of their own (who read which policies is part
 * of the audit trail).
 */
export class BundleBucket extends Construct {
  public readonly bucket: IBucket;
  public readonly accessLogs: IBucket;

  constructor(scope: Construct, id: string, props: BundleBucketProps) {
    super(scope, id);
    const accessLogs = accessLogBucket(this, 'AccessLogs', 'bundle bucket');
    this.accessLogs = accessLogs;
    this.bucket = new Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      versioned: true,
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'bundles/',
      lifecycleRules: [
        { noncurrentVersionExpiration: props.noncurrentVersionRetention ?? Duration.days(400) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}

/** A stage's bundle bucket name: unique per account and region, known to both stacks. */
export function bundleBucketName(stage: string): string {
  return `ward-${stage}-bundles-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

/** A stage's manifests bucket name: what GitOps controllers pull, per fleet stage pointer. */
export function manifestsBucketName(stage: string): string {
  return `ward-${stage}-manifests-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}
