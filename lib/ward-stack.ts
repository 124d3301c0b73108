import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StageName } from '../lambdas/contracts/stages';
import type { StageConfig } from './config/stage-config';
import { EventBus, type IEventBus } from 'aws-cdk-lib/aws-events';
import { BreakGlassTable } from './constructs/break-glass';
import { AuditArchiveStore } from './constructs/audit-archive-store';
import { BundleBucket, bundleBucketName, manifestsBucketName } from './constructs/bundle-bucket';
import { RegistryTable } from './constructs/registry-table';

/** Properties of a {@link WardStack}. */
export interface WardStackProps extends Omit<StackProps, 'env' | 'terminationProtection'> {
  /** The validated configuration of the stage this stack belongs to; it sets env and protection. */
  readonly config: StageConfig;
}

/**
 * The name (and construct id) of a stage's stateful stack. Changing it makes CloudFormation see
 * a new stack, so the old one and its retained data would be orphaned.
 */
export function wardStackName(stage: StageName): string {
  return `Ward-${stage}`;
}

/** The break-glass role of a stage, by name, in the stage's own account. */
export function breakGlassRoleArn(roleName: string): string {
  return `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/${roleName}`;
}

/** The tag every Ward resource carries with its stage, for cost reports and access policies. */
export const STAGE_TAG = 'ward:stage';

/**
 * Ward's stateful stack for one stage: the data that must outlive any deployment (registry
 * table and its key now; the audit bucket, bus and signing keys later). Everything here is
 * retained and the stack is termination-protected as the stage's config says. Functions, the
 * API and state machines live in a separate stateless stack that can be replaced freely.
 *
 * Construct ids below are part of the API: renaming one replaces the resource (a new, empty
 * table). `test/infra` pins the resulting logical ids.
 */
export class WardStack extends Stack {
  /** The registry table, for the stateless stack to reference and grant access to. */
  public readonly registry: RegistryTable;
  /** The audit bus every action is recorded on. */
  public readonly auditBus: IEventBus;
  /** Compiled bundles, content-addressed. */
  public readonly bundles: BundleBucket;
  /** The manifests promotion writes for GitOps controllers, with a pointer per fleet stage. */
  public readonly manifests: BundleBucket;
  /** Break glass's own table: grants, role sessions, the audit spool, drills. */
  public readonly breakGlass: BreakGlassTable;
  /** The audit archive's Object Lock bucket, its digest-signing key and the bus's replay archive. */
  public readonly auditArchive: AuditArchiveStore;

  constructor(scope: Construct, id: string, props: WardStackProps) {
    const { config, ...stackProps } = props;
    super(scope, id, {
      description: `Ward ${config.stage}: stateful resources (registry table and its key)`,
      ...stackProps,
      env: { account: config.account, region: config.region },
      terminationProtection: config.terminationProtection,
    });

    this.registry = new RegistryTable(this, 'Registry', {
      deletionProtection: config.registryTable.deletionProtection,
    });

    const auditBus = new EventBus(this, 'AuditBus', { eventBusName: `ward-audit-${config.stage}` });
    auditBus.applyRemovalPolicy(RemovalPolicy.RETAIN);
    this.auditBus = auditBus;
    this.bundles = new BundleBucket(this, 'Bundles', {
      bucketName: bundleBucketName(config.stage),
    });
    // The same guarantees as the bundles: versioned, private, TLS only, access-logged, retained.
    this.manifests = new BundleBucket(this, 'Manifests', {
      bucketName: manifestsBucketName(config.stage),
    });

    this.breakGlass = new BreakGlassTable(this, 'BreakGlass', {
      deletionProtection: config.registryTable.deletionProtection,
    });

    this.auditArchive = new AuditArchiveStore(this, 'AuditArchive', {
      stage: config.stage,
      auditBus,
      retention: Duration.days(config.auditArchive.retentionDays),
      breakGlassRoleArn: breakGlassRoleArn(config.auditArchive.breakGlassRoleName),
    });

    new CfnOutput(this, 'RegistryTableName', {
      description: 'Name of the Ward registry table (for operators and the local runtime)',
      value: this.registry.table.tableName,
    });

    Tags.of(this).add(STAGE_TAG, config.stage);
  }
}
