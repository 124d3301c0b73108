import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Archive, type IEventBus } from 'aws-cdk-lib/aws-events';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectLockRetention,
  type IBucket,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { auditArchiveBucketName } from '../../lambdas/contracts/audit-archive';
import { accessLogBucket } from './access-log-bucket';

/** Properties of an {@link AuditArchiveStore}. */
export interface AuditArchiveStoreProps {
  readonly stage: string;
  /** The audit bus: its events are also kept in an EventBridge archive, for replay. */
  readonly auditBus: IEventBus;
  /** How long Object Lock (compliance mode) keeps every version of every object. */
  readonly retention: Duration;
  /** The one role that may delete versions (where the lock allows) or change the bucket's rules. */
  readonly breakGlassRoleArn: string;
  /**
   * How long the EventBridge archive keeps events for replay.
   * @default Duration.days(90)
   */
  readonly replayRetention?: Duration;
}

/**
 * S3 actions that would remove or weaken what the archive holds. Denied to every principal
 * but the break-glass role, whatever their IAM policies say (an explicit deny wins).
 */
export const PROTECTED_ARCHIVE_ACTIONS = [
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:PutObjectRetention',
  's3:PutObjectLegalHold',
  's3:BypassGovernanceRetention',
  's3:PutBucketObjectLockConfiguration',
  's3:PutBucketPolicy',
  's3:DeleteBucketPolicy',
  's3:PutBucketVersioning',
  's3:PutLifecycleConfiguration',
  's3:DeleteBucket',
] as const;

/**
 * The stateful half of the audit archive: the Object Lock bucket (compliance mode, versioned,
 * encrypted, TLS only, access-logged, retained) whose policy makes it write-once for everyone
 * but the break-glass role, the asymmetric KMS key that signs its digests, and an EventBridge
 * archive of the bus so that any past event can be replayed into a new detection.
 */
export class AuditArchiveStore extends Construct {
  public readonly bucket: IBucket;
  public readonly accessLogs: IBucket;
  /** ECC_NIST_P256, SIGN_VERIFY: signs digests (kms:Sign), verifiable offline with its public key. */
  public readonly digestKey: Key;
  public readonly replayArchive: Archive;

  constructor(scope: Construct, id: string, props: AuditArchiveStoreProps) {
    super(scope, id);
    const accessLogs = accessLogBucket(this, 'AccessLogs', 'audit archive bucket');
    this.accessLogs = accessLogs;
    const bucket = new Bucket(this, 'Bucket', {
      bucketName: auditArchiveBucketName(props.stage, Aws.ACCOUNT_ID, Aws.REGION),
      versioned: true,
      objectLockEnabled: true,
      objectLockDefaultRetention: ObjectLockRetention.compliance(props.retention),
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'audit-archive/',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = bucket;
    const notBreakGlass = { ArnNotEquals: { 'aws:PrincipalArn': props.breakGlassRoleArn } };
    bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'DenyDeletesAndProtectionChangesButBreakGlass',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: [...PROTECTED_ARCHIVE_ACTIONS],
        resources: [bucket.bucketArn, bucket.arnForObjects('*')],
        conditions: notBreakGlass,
      }),
    );
    // Write-once: a put must say If-None-Match (S3 then refuses it over an existing key), so
    // nobody, the writers included, can lay a new version over a batch or digest.
    bucket.addToResourcePolicy(
      new PolicyStatement({
        sid: 'DenyOverwritesButBreakGlass',
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['s3:PutObject'],
        resources: [bucket.arnForObjects('*')],
        conditions: { ...notBreakGlass, Null: { 's3:if-none-match': 'true' } },
      }),
    );

    this.digestKey = new Key(this, 'DigestKey', {
      description: `Ward ${props.stage}: signs the audit archive's digests`,
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      alias: `alias/ward-${props.stage}-audit-digest`,
      // The key proves every digest ever signed: losing it would orphan the whole archive.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.replayArchive = new Archive(this, 'ReplayArchive', {
      archiveName: `ward-audit-${props.stage}`,
      description: 'Every audit event, for replay into a new detection',
      sourceEventBus: props.auditBus,
      eventPattern: { account: [Stack.of(this).account] },
      retention: props.replayRetention ?? Duration.days(90),
    });
    this.replayArchive.applyRemovalPolicy(RemovalPolicy.RETAIN);
  }
}
