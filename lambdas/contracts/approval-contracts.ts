import { z } from 'zod';
import { REGISTRY_TABLE_ENV } from './registry-table';

/** Audit sources of the approval flow. */
export const APPROVALS_AUDIT_SOURCE = 'ward.approvals';
export const WORKFLOW_AUDIT_SOURCE = 'ward.workflow';
/** Requests the API refused before any function ran (no token, bad token, missing scope). */
export const API_AUDIT_SOURCE = 'ward.api';
export const API_REQUEST_REFUSED = 'api.request.refused';

/** Every action the approval flow records on the audit bus. */
export const ChangeAuditAction = {
  proposed: 'change.proposed',
  approvalRecorded: 'change.approval.recorded',
  approvalRefused: 'change.approval.refused',
  rejected: 'change.rejected',
  withdrawn: 'change.withdrawn',
  expired: 'change.expired',
  applied: 'change.applied',
  conflict: 'change.conflict',
} as const;
export type ChangeAuditAction = (typeof ChangeAuditAction)[keyof typeof ChangeAuditAction];

/** Environment variables the approval functions read (CDK sets them, handlers read them once). */
export const APPROVAL_ENV = {
  registryTable: REGISTRY_TABLE_ENV,
  auditBusName: 'WARD_AUDIT_BUS',
  workflowArn: 'WARD_APPROVAL_WORKFLOW_ARN',
  bundleBucket: 'WARD_BUNDLE_BUCKET',
  /** The stage's approval settings as JSON (ApprovalConfig in core). */
  approvalConfig: 'WARD_APPROVAL_CONFIG',
} as const;

/** Errors the workflow's callback ends a wait with, which its Catch clauses name. */
export const WorkflowError = {
  rejected: 'ChangeRejected',
  withdrawn: 'ChangeWithdrawn',
  conflict: 'ChangeConflict',
} as const;

/** What the approval workflow is started with. */
export const ApprovalWorkflowInputSchema = z.strictObject({
  changeId: z.string().min(1),
  /** Seconds until the change expires: the wait for approvals times out then. */
  expiresInSeconds: z.number().int().positive(),
});
export type ApprovalWorkflowInput = z.infer<typeof ApprovalWorkflowInputSchema>;
