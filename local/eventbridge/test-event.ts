/**
 * The event a `TestEventPattern` call is given. EventBridge refuses one that is not a JSON
 * object, or that lacks the envelope fields its API reference calls mandatory, before it
 * matches anything; `ward local test-pattern` refuses the same events, so a test that passes
 * locally passes against AWS.
 */

/**
 * The envelope fields an event must carry. The API reference also lists `resources`, but
 * EventBridge accepts events without it (recorded against AWS by LocalStack's parity tests),
 * so it is not demanded here.
 */
export const MANDATORY_EVENT_FIELDS = [
  'id',
  'account',
  'source',
  'time',
  'region',
  'detail-type',
] as const;

/** The event cannot be tested: not JSON, not an object, or missing envelope fields. */
export class InvalidTestEventError extends Error {
  override readonly name = 'InvalidTestEventError';
}

/** Parses an event's JSON text and checks it is an event EventBridge would test. */
export function parseTestEvent(json: string): Readonly<Record<string, unknown>> {
  let event: unknown;
  try {
    event = JSON.parse(json) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InvalidTestEventError(`the event is not valid JSON: ${reason}`, { cause: error });
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new InvalidTestEventError('the event must be a JSON object (an EventBridge event)');
  }
  const missing = MANDATORY_EVENT_FIELDS.filter((field) => !Object.hasOwn(event, field));
  if (missing.length > 0) {
    throw new InvalidTestEventError(
      `the event lacks ${missing.map((field) => `"${field}"`).join(', ')}; EventBridge tests ` +
        `only events with ${MANDATORY_EVENT_FIELDS.join(', ')} (it answers "Parameter Event is not valid.")`,
    );
  }
  return event as Readonly<Record<string, unknown>>;
}
