import { Aws, CfnOutput, Stack, Tags, type StackProps } from 'aws-cdk-lib';
import { auditArchiveBucketName } from '../lambdas/contracts/audit-archive';
import type { Construct } from 'constructs';
import type { StageName } from '../lambdas/contracts/stages';
import type { StageConfig } from './config/stage-config';
import { ApprovalApi } from './constructs/approval-api';
import { ApprovalWorkflow } from './constructs/approval-workflow';
import { AuditArchive, auditArchiveRuleName } from './constructs/audit-archive';
import { AuditDetections } from './constructs/audit-detections';
import { BreakGlass } from './constructs/break-glass';
import { AuditIngest } from './constructs/audit-ingest';
import { AuditWatch } from './constructs/audit-watch';
import { clusterTokenPath } from '../lambdas/contracts/audit-ingest';
import { metricSource } from '../lambdas/contracts/audit-metrics';
import { Duration } from 'aws-cdk-lib';
import { bundleBucketName, manifestsBucketName } from './constructs/bundle-bucket';
import { PromotionWorkflow } from './constructs/promotion-workflow';
import { STAGE_TAG, breakGlassRoleArn, type WardStack } from './ward-stack';

/** Properties of a {@link WardServicesStack}. */
export interface WardServicesStackProps extends Omit<StackProps, 'env'> {
  readonly config: StageConfig;
  /** The stage's stateful stack, whose table, bus and bucket the services use. */
  readonly data: WardStack;
}

/** The name of a stage's stateless stack. */
export function wardServicesStackName(stage: StageName): string {
  return `Ward-${stage}-services`;
}

/**
 * Ward's stateless stack for one stage: the approval API, its functions and the approval
 * workflow. Everything here can be replaced by a deployment; the data lives in WardStack.
 */
export class WardServicesStack extends Stack {
  public readonly api: ApprovalApi;
  public readonly workflow: ApprovalWorkflow;
  public readonly promotion: PromotionWorkflow;
  public readonly detections: AuditDetections;
  public readonly breakGlass: BreakGlass;
  public readonly archive: AuditArchive;
  public readonly ingest: AuditIngest;
  public readonly watch: AuditWatch;

  constructor(scope: Construct, id: string, props: WardServicesStackProps) {
    const { config, data, ...stackProps } = props;
    super(scope, id, {
      description: `Ward ${config.stage}: the approval API and workflow (stateless)`,
      ...stackProps,
      env: { account: config.account, region: config.region },
    });
    const approvalConfigJson = JSON.stringify(config.approvals);
    const table = data.registry.table;
    this.workflow = new ApprovalWorkflow(this, 'ApprovalWorkflow', {
      table,
      auditBus: data.auditBus,
      bundleBucketName: bundleBucketName(config.stage),
      approvalConfigJson,
    });
    this.promotion = new PromotionWorkflow(this, 'PromotionWorkflow', {
      stage: config.stage,
      table,
      auditBus: data.auditBus,
      bundleBucketName: bundleBucketName(config.stage),
      manifestsBucketName: manifestsBucketName(config.stage),
      fleetStages: config.promotionTargets,
    });
    this.api = new ApprovalApi(this, 'ApprovalApi', {
      table,
      auditBus: data.auditBus,
      workflow: this.workflow.stateMachine,
      promotionWorkflow: this.promotion.stateMachine,
      bundleBucketName: bundleBucketName(config.stage),
      issuer: config.identity.issuer,
      audience: config.identity.audience,
      approvalConfigJson,
    });
    const archiveBucket = auditArchiveBucketName(config.stage, Aws.ACCOUNT_ID, Aws.REGION);
    this.detections = new AuditDetections(this, 'AuditDetections', {
      stage: config.stage,
      auditBus: data.auditBus,
      table,
      // Tampering with the archive bucket or its rule is itself a detection (via CloudTrail).
      detectionSettings: {
        auditBuckets: [archiveBucket],
        auditRules: [auditArchiveRuleName(config.stage)],
        breakGlassRoleArns: [breakGlassRoleArn(config.auditArchive.breakGlassRoleName)],
      },
    });
    this.archive = new AuditArchive(this, 'AuditArchive', {
      stage: config.stage,
      auditBus: data.auditBus,
      table,
      bucketName: archiveBucket,
      digestKey: data.auditArchive.digestKey,
      alertsTopic: this.detections.alertsTopic,
      pageTopic: this.detections.pageTopic,
    });
    this.breakGlass = new BreakGlass(this, 'BreakGlass', {
      stage: config.stage,
      settings: config.breakGlass,
      identity: {
        issuer: config.identity.issuer,
        audience: config.identity.audience,
        keys: config.identity.keys,
        groupsClaim: config.approvals.groupsClaim,
        mfaMethods: config.approvals.mfaMethods,
      },
      table: data.breakGlass.table,
      pageTopic: this.detections.pageTopic,
      auditBus: data.auditBus,
      manifestsBucketName: manifestsBucketName(config.stage),
      fleetStage: config.promotionTargets[config.stage],
    });
    new CfnOutput(this, 'BreakGlassFunctionName', {
      description: 'The break-glass function (ward break-glass invokes it by this name)',
      value: this.breakGlass.function.functionName,
    });
    const sources = config.auditSources;
    this.ingest = new AuditIngest(this, 'AuditIngest', {
      stage: config.stage,
      auditBus: data.auditBus,
      table,
      kubernetesClusters: sources.kubernetesClusters,
      tokenParameterPath: clusterTokenPath(config.stage),
    });
    this.watch = new AuditWatch(this, 'AuditWatch', {
      pageTopic: this.detections.pageTopic,
      talkingSources: [
        { source: metricSource.ward, silence: Duration.minutes(sources.silence.ward) },
        { source: metricSource.cloudTrail, silence: Duration.minutes(sources.silence.cloudTrail) },
        ...sources.kubernetesClusters.map((cluster) => ({
          source: metricSource.kubernetes(cluster),
          silence: Duration.minutes(sources.silence.kubernetes),
        })),
      ],
      otherSources: [metricSource.registryStream],
      deadLetterQueues: { ingest: this.ingest.deadLetterQueue },
    });
    new CfnOutput(this, 'KubernetesAuditUrl', {
      description: 'Where Kubernetes API servers post audit events (webhook backend)',
      value: `${this.ingest.kubernetesAuditApi.apiEndpoint}/k8s-audit`,
    });
    new CfnOutput(this, 'ApprovalApiUrl', {
      description: 'Base URL of the approval API',
      value: this.api.api.apiEndpoint,
    });
    Tags.of(this).add(STAGE_TAG, config.stage);
  }
}
