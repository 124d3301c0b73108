import { REGISTRY_TABLE_ENV } from './registry-table';

/** Environment variables of the promotion workflow's functions (set by the CDK construct). */
export const PROMOTION_ENV = {
  registryTable: REGISTRY_TABLE_ENV,
  auditBusName: 'WARD_AUDIT_BUS',
  bundleBucket: 'WARD_BUNDLE_BUCKET',
  /** Where the Kubernetes and Vault manifests go for GitOps controllers, per fleet stage. */
  manifestsBucket: 'WARD_MANIFESTS_BUCKET',
  promotionWorkflowArn: 'WARD_PROMOTION_WORKFLOW_ARN',
} as const;

/** Errors that end a promotion, named by the workflow's Catch clauses and Fail states. */
export const PromotionWorkflowError = {
  rejected: 'PromotionRejected',
  refused: 'PromotionRefused',
  failed: 'PromotionStageFailed',
} as const;

/** How long the production gate stays open before the promotion expires. */
export const GATE_WINDOW_SECONDS = 24 * 3600;
