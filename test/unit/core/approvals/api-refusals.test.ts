import {
  MalformedAccessLogError,
  refusedRequestEvents,
} from '../../../../lambdas/core/audit/api-refusals';

const line = (fields: Record<string, unknown>) => ({
  message: JSON.stringify({
    requestId: 'r1',
    time: '25/Nov/2026:09:00:00 +0000',
    routeKey: 'POST /changes',
    status: 401,
    principal: '-',
    authorizerError: 'token expired',
    ip: '10.0.0.1',
    userAgent: 'curl',
    ...fields,
  }),
  timestamp: Date.parse('2026-11-25T09:00:00Z'),
});

describe('audit events from refused API requests', () => {
  it('given a 401, then an anonymous api.request.refused event', () => {
    expect(refusedRequestEvents([line({})], () => 'id-1')).toEqual([
      {
        id: 'id-1',
        time: '2026-11-25T09:00:00.000Z',
        source: 'ward.api',
        action: 'api.request.refused',
        actor: { principal: 'anonymous', kind: 'anonymous', mfa: false },
        target: { type: 'api-route', id: 'POST /changes' },
        outcome: 'denied',
        details: { status: 401, reason: 'token expired', ip: '10.0.0.1', userAgent: 'curl' },
        correlationId: 'r1',
      },
    ]);
  });

  it('given a 403 a function answered (no authorizer error), then nothing: the function audited it', () => {
    expect(
      refusedRequestEvents(
        [line({ status: 403, authorizerError: '-', principal: 'alice' })],
        () => 'x',
      ),
    ).toEqual([]);
  });

  it('given the authorizer’s 403 (missing scope), then an event with the principal', () => {
    expect(
      refusedRequestEvents(
        [line({ status: 403, authorizerError: 'insufficient scope', principal: 'alice' })],
        () => 'x',
      )[0],
    ).toMatchObject({ actor: { principal: 'alice', kind: 'human' } });
  });

  it('given a line that is not an access log, then an error rather than a silent skip', () => {
    expect(() => refusedRequestEvents([{ message: 'garbage', timestamp: 0 }], () => 'x')).toThrow(
      MalformedAccessLogError,
    );
    expect(() =>
      refusedRequestEvents([{ message: '{"status":401}', timestamp: 0 }], () => 'x'),
    ).toThrow(MalformedAccessLogError);
  });
});
