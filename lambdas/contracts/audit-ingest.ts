import { z } from 'zod';
import { REGISTRY_TABLE_ENV } from './registry-table';

/**
 * What the audit ingest functions (CloudTrail normaliser, Kubernetes audit webhook and its
 * authorizer, registry stream producer, heartbeat) and the CDK code that wires them share.
 */
export const INGEST_ENV = {
  auditBusName: 'WARD_AUDIT_BUS',
  /** Where refused inputs go, with the original and the reason. */
  deadLetterQueueUrl: 'WARD_INGEST_DLQ_URL',
  /** The Kubernetes clusters allowed to send audit events, as a JSON array of names. */
  kubernetesClusters: 'WARD_K8S_AUDIT_CLUSTERS',
  /** The Parameter Store path under which each cluster's token hashes are kept. */
  tokenParameterPath: 'WARD_K8S_AUDIT_TOKEN_PATH',
  registryTable: REGISTRY_TABLE_ENV,
} as const;

/**
 * A Kubernetes cluster's name as Ward knows it: a DNS label (it names a metric dimension, a
 * Parameter Store path and part of each event id).
 */
export const ClusterNameSchema = z
  .string()
  .regex(
    /^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$/,
    'a cluster name is 1-40 lowercase letters, digits and inner hyphens',
  );

/**
 * The bearer token a cluster's API server presents (from the webhook's kubeconfig):
 * `wardk8s.<cluster>.<secret>`, the secret 32 random bytes in base64url. The cluster is in the
 * token so the authorizer's answer depends on the token alone, which makes caching it by the
 * Authorization header safe.
 */
export const CLUSTER_TOKEN_PREFIX = 'wardk8s';

/**
 * Where a cluster's token hashes live: a String parameter whose value is the lowercase hex
 * SHA-256 of the token, or two separated by a comma while a token is being rotated. Only
 * hashes are kept: whoever reads the parameter cannot present the token.
 */
export function clusterTokenParameter(path: string, cluster: string): string {
  return `${path.replace(/\/+$/, '')}/${cluster}/token-sha256`;
}

/** The Parameter Store path of a stage's cluster token hashes. */
export const clusterTokenPath = (stage: string) => `/ward/${stage}/k8s-audit`;

/** What the authorizer hands the webhook function (API Gateway's `authorizer.lambda`). */
export const ClusterAuthorizerContextSchema = z.strictObject({ cluster: ClusterNameSchema });

/** Ward's heartbeat: proves, when nobody acts, that the bus and the detector are alive. */
export const HEARTBEAT = { source: 'ward.audit', action: 'audit.heartbeat' } as const;

/** One refused input as the ingest dead-letter queue holds it. */
export const DeadLetterSchema = z.strictObject({
  origin: z.string().min(1),
  reason: z.string().min(1),
  path: z.string(),
  message: z.string().min(1),
  receivedAt: z.iso.datetime(),
  /** The cluster an audit webhook call came from (known from its token). */
  cluster: z.string().optional(),
  /** The input exactly as it arrived, or one piece of it when it was too large for a message. */
  input: z.unknown(),
  /** Set when the input was split over several messages: which piece this is, of how many. */
  part: z
    .strictObject({ id: z.string(), index: z.number().int(), of: z.number().int() })
    .optional(),
});
export type DeadLetter = z.infer<typeof DeadLetterSchema>;
