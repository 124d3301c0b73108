import { z } from 'zod';
import { REGISTRY_TABLE_ENV } from './registry-table';

/** Environment variables of the audit functions (CDK sets them, the composition root reads them). */
export const AUDIT_ENV = {
  registryTable: REGISTRY_TABLE_ENV,
  alertsTopicArn: 'WARD_ALERTS_TOPIC_ARN',
  pageTopicArn: 'WARD_PAGE_TOPIC_ARN',
  /** DetectionSettings as JSON. */
  detectionSettings: 'WARD_DETECTION_SETTINGS',
} as const;

/**
 * What the detections need to know about the stage they watch (the shape of DetectionConfig
 * in core): the buckets and rules that are the audit trail, the break-glass roles, and the
 * Kubernetes users that are Ward itself.
 */
export const DetectionSettingsSchema = z.strictObject({
  auditBuckets: z.array(z.string().min(1)),
  auditRules: z.array(z.string().min(1)),
  breakGlassRoleArns: z.array(z.string().min(1)),
  wardKubernetesPrincipals: z.array(z.string().min(1)),
});
export type DetectionSettings = z.infer<typeof DetectionSettingsSchema>;

/**
 * The alert topics' names per stage. Fixed names, so the people and pagers subscribed to them
 * keep their subscriptions across deployments, and the local runtime's messages say which is which.
 */
export const alertTopicNames = (stage: string) =>
  ({ alerts: `ward-alerts-${stage}`, page: `ward-page-${stage}` }) as const;
