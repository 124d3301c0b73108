/**
 * The `detail` of an EventBridge event an SQS queue target received (the message body is the
 * whole event), or undefined when the body is not JSON: the caller's schema then refuses it.
 */
export function detailOfQueuedEvent(body: string): unknown {
  try {
    return (JSON.parse(body) as { detail?: unknown }).detail;
  } catch {
    return undefined;
  }
}
