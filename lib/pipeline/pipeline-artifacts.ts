import { RemovalPolicy } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { accessLogBucket } from '../constructs/access-log-bucket';

/**
 * The pipeline's artifact store: encrypted with a rotating key of its own (the stage accounts'
 * deploy roles are granted it, as they must be to read what they deploy), versioned, private,
 * TLS only, with server access logs: who read which build of Ward is part of the trail.
 */
export class PipelineArtifacts extends Construct {
  readonly bucket: IBucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    const accessLogs = accessLogBucket(this, 'AccessLogs', 'artifact bucket');
    this.bucket = new Bucket(this, 'Bucket', {
      encryptionKey: new Key(this, 'Key', {
        description: 'Ward pipeline artifacts',
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      }),
      encryption: BucketEncryption.KMS,
      versioned: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'artifacts/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
