import type {
  APIGatewayProxyEventV2WithLambdaAuthorizer,
  APIGatewayProxyResultV2,
} from 'aws-lambda';
import { ClusterAuthorizerContextSchema } from '../../contracts/audit-ingest';
import { AUDIT_METRICS, metricSource } from '../../contracts/audit-metrics';
import { normaliseKubernetesAuditEvents } from '../../core/audit/k8s-audit';
import { deadLetterOf, ingest, logger } from './ingest-context';
import { countBySource } from './pipeline-metrics';

const json = (statusCode: number, body: unknown): APIGatewayProxyResultV2 => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/**
 * The API server's audit webhook backend posts an `audit.k8s.io/v1` EventList here. The
 * cluster is what the authorizer verified the token for, never what the body says. Events go
 * onto the audit bus in Ward's envelope; refused items go to the dead-letter queue with the
 * reason, are counted, and the rest of the list still counts (200 with the tally). A body
 * refused as a whole is dead-lettered and answered 400 with the reason. A failure to publish
 * answers 500, so the webhook backend sends the batch again.
 */
export async function handler(
  event: APIGatewayProxyEventV2WithLambdaAuthorizer<Record<string, unknown>>,
): Promise<APIGatewayProxyResultV2> {
  const context = ClusterAuthorizerContextSchema.safeParse(event.requestContext.authorizer?.lambda);
  if (!context.success) {
    // Only a route without the authorizer gets here: refuse, and say so in the logs.
    logger.error('Kubernetes audit call without a verified cluster; refused', {
      routeKey: event.routeKey,
    });
    return json(403, { message: 'Forbidden' });
  }
  const { cluster } = context.data;
  const source = metricSource.kubernetes(cluster);
  const body =
    event.isBase64Encoded && event.body !== undefined
      ? Buffer.from(event.body, 'base64').toString('utf8')
      : (event.body ?? '');
  const batch = normaliseKubernetesAuditEvents(body, cluster);
  const received = batch.events.length + batch.rejections.length + batch.skipped.length;
  countBySource(AUDIT_METRICS.eventsIn, source, Math.max(received, 1));
  const now = new Date();
  if (batch.rejections.length > 0) {
    await ingest.deadLetters().send(batch.rejections.map((r) => deadLetterOf(r, now, cluster)));
    countBySource(AUDIT_METRICS.normaliserRejects, source, batch.rejections.length);
    logger.warn('Kubernetes audit events refused and dead-lettered', {
      cluster,
      refused: batch.rejections.map((r) => ({
        reason: r.reason,
        path: r.path,
        message: r.message,
      })),
    });
  }
  const whole = batch.rejections.find((r) => r.input === body);
  if (whole !== undefined)
    return json(400, { message: whole.message, reason: whole.reason, path: whole.path });
  await ingest.audit().publish(batch.events);
  return json(200, {
    accepted: batch.events.length,
    refused: batch.rejections.length,
    skipped: batch.skipped.length,
  });
}
