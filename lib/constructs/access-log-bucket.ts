import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';

/**
 * The bucket another bucket's server access logs go to: private, TLS only, retained. It logs
 * nowhere itself (logging it into itself would loop), which is acknowledged here, once.
 */
export function accessLogBucket(scope: Construct, id: string, loggedBucket: string): Bucket {
  const bucket = new Bucket(scope, id, {
    encryption: BucketEncryption.S3_MANAGED,
    blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
    enforceSSL: true,
    objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason: `This bucket receives the ${loggedBucket}’s access logs; logging it into itself would loop.`,
  });
  return bucket;
}
