import { gunzipSync } from 'node:zlib';
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { refusedRequestEvents } from '../../core/audit/api-refusals';
import { deps } from '../approvals-context';

const PayloadSchema = z.object({
  logEvents: z.array(z.object({ message: z.string(), timestamp: z.number() })),
});

/** Access-log lines of refused API requests (via a subscription filter) -> audit events. */
export async function handler(event: CloudWatchLogsEvent): Promise<void> {
  const payload = PayloadSchema.parse(
    JSON.parse(gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString('utf8')),
  );
  const events = refusedRequestEvents(payload.logEvents, randomUUID);
  if (events.length > 0) await deps.audit.publish(events);
}
