import type {
  APIGatewayRequestAuthorizerEventV2,
  APIGatewaySimpleAuthorizerWithContextResult,
} from 'aws-lambda';
import { verifyClusterToken } from '../../core/audit/cluster-token';
import { ingest, logger } from './ingest-context';

/**
 * The Kubernetes audit webhook's Lambda authorizer (HTTP API, simple responses): the bearer
 * token of the API server's kubeconfig must hash to one registered for the cluster it names.
 * A refused token answers isAuthorized false (API Gateway: 403; no token at all: 401, before
 * this runs). A failed look-up throws, so API Gateway answers 500 and the API server's webhook
 * backend retries later instead of its events being refused.
 */
export async function handler(
  event: APIGatewayRequestAuthorizerEventV2,
): Promise<APIGatewaySimpleAuthorizerWithContextResult<{ cluster: string }>> {
  const authorization = event.headers?.authorization ?? event.identitySource?.[0];
  const verdict = await verifyClusterToken(authorization, ingest.allowedClusters(), (cluster) =>
    ingest.clusterTokens().hashesOf(cluster),
  );
  if (!verdict.ok) {
    logger.warn('Kubernetes audit webhook call refused', {
      reason: verdict.reason,
      ...(verdict.cluster !== undefined ? { cluster: verdict.cluster } : {}),
      sourceIp: event.requestContext?.http?.sourceIp,
    });
    return { isAuthorized: false, context: { cluster: '' } };
  }
  return { isAuthorized: true, context: { cluster: verdict.cluster } };
}
