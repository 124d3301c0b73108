/**
 * The event TestEventPattern accepts: a JSON object with the envelope fields the API reference
 * (TestEventPattern, parameter Event) calls mandatory, except `resources`, which AWS does not
 * in fact demand (recorded by LocalStack's parity test "test_event_pattern_source").
 */
import {
  InvalidTestEventError,
  MANDATORY_EVENT_FIELDS,
  parseTestEvent,
} from '../../../../local/eventbridge/test-event';

const envelope = {
  id: '1',
  account: '123456789012',
  source: 'order',
  time: '2022-07-13T13:48:01Z',
  region: 'us-east-2',
  'detail-type': 'Test',
};

describe('parseTestEvent', () => {
  it('given an event with the envelope fields and no resources, then it is accepted as parsed', () => {
    expect(parseTestEvent(JSON.stringify({ ...envelope, detail: { a: 1 } }))).toEqual({
      ...envelope,
      detail: { a: 1 },
    });
  });

  it.each(MANDATORY_EVENT_FIELDS)(
    'given an event without %s, then it is refused naming it',
    (field) => {
      const event: Record<string, unknown> = { ...envelope };
      delete event[field];
      expect(() => parseTestEvent(JSON.stringify(event))).toThrow(
        new InvalidTestEventError(
          `the event lacks "${field}"; EventBridge tests only events with ${MANDATORY_EVENT_FIELDS.join(', ')} (it answers "Parameter Event is not valid.")`,
        ),
      );
    },
  );

  it.each([['"a plain string"'], ['[1, 2]'], ['null']])(
    'given %s, then it is refused as not an event',
    (text) => {
      expect(() => parseTestEvent(text)).toThrow(/must be a JSON object/);
    },
  );

  it('given text that is not JSON, then it is refused with the cause kept', () => {
    let error: unknown;
    try {
      parseTestEvent('{"id": ');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidTestEventError);
    expect((error as Error).message).toMatch(/^the event is not valid JSON: /);
    expect((error as Error).cause).toBeInstanceOf(SyntaxError);
  });
});
