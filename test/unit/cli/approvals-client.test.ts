import { ApiRefusedError, ApiUnreachableError, WardApiClient } from '../../../cli/api-client';
import { viewOf } from './approvals-fixtures';

/**
 * The client's mapping of answers to errors, with fetch replaced by a list of answers: no
 * network. The end-to-end tests run the same client against the local runtime.
 */
describe('the approval API client', () => {
  const target = { apiUrl: 'http://ward.test/prod', token: 'tok', from: 'credentials' as const };
  let calls: { url: string; init: RequestInit }[];
  let answers: (Response | Error)[];

  beforeEach(() => {
    calls = [];
    answers = [];
    jest.spyOn(globalThis, 'fetch').mockImplementation((url, init) => {
      calls.push({ url: url instanceof Request ? url.url : url.toString(), init: init ?? {} });
      const next = answers.shift();
      if (next === undefined) throw new Error('no answer left');
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
    });
  });
  afterEach(() => jest.restoreAllMocks());

  const answer = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const client = () => new WardApiClient(target, { backoffMs: 1 });

  it('given a refusal, then ApiRefusedError with the API’s status, code, reason and a hint', async () => {
    answers.push(
      answer(403, {
        error: 'no-mfa',
        message: 'approving needs a second factor: sign in again with MFA',
      }),
    );
    const error = await client()
      .approve('id-1', { diffSha256: 'a', impactSha256: 'b' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiRefusedError);
    expect(error).toMatchObject({
      status: 403,
      code: 'no-mfa',
      reason: 'approving needs a second factor: sign in again with MFA',
      message: 'approving needs a second factor: sign in again with MFA (403 no-mfa)',
      hint: expect.stringMatching(/--mfa/),
    });
    // Not retried: an approval is a decision.
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe('http://ward.test/prod/changes/id-1/approve');
    expect(calls[0]?.init.headers).toMatchObject({ authorization: 'Bearer tok' });
  });

  it('given API Gateway’s bare 401, then Unauthorized with what to do', async () => {
    answers.push(answer(401, { message: 'Unauthorized' }));
    await expect(client().whoami()).rejects.toMatchObject({
      code: 'Unauthorized',
      hint: expect.stringMatching(/log in again/),
    });
  });

  it('given an invalid change, then each problem the API names', async () => {
    answers.push(
      answer(400, {
        error: 'InvalidChange',
        message: 'the change does not apply',
        problems: [{ message: 'ingress rule a -> b already exists in rule set v3' }],
      }),
    );
    await expect(client().propose({ justification: 'x' }, 'key-12345678')).rejects.toMatchObject({
      problems: ['ingress rule a -> b already exists in rule set v3'],
    });
  });

  it('given a 503 and then an answer, then a keyed proposal is sent again with the same key', async () => {
    const view = await viewOf({ ingress: [{ from: 'service.feed', to: 'service.ledger' }] });
    answers.push(answer(503, { message: 'Service Unavailable' }), answer(201, view));
    await expect(client().propose({ justification: 'x' }, 'key-12345678')).resolves.toEqual(view);
    expect(calls.map((c) => (c.init.headers as Record<string, string>)['idempotency-key'])).toEqual(
      ['key-12345678', 'key-12345678'],
    );
  });

  it('given nothing listening, then ApiUnreachableError asking whether npm start runs, at once', async () => {
    answers.push(
      Object.assign(new TypeError('fetch failed'), {
        cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      }),
    );
    const error = await client()
      .getChange('x')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiUnreachableError);
    expect((error as Error).message).toMatch(
      /cannot reach the Ward API at http:\/\/ward\.test\/prod \(ECONNREFUSED\): is `npm start` running\?/,
    );
    expect(calls).toHaveLength(1);
  });

  it('given query options, then only those given are sent, ids are escaped', async () => {
    answers.push(answer(200, { changes: [] }), answer(200, { message: 'x' }));
    await client().listChanges({ state: 'proposed', mine: true });
    expect(calls[0]?.url).toBe('http://ward.test/prod/changes?state=proposed&mine=true');
    await expect(client().getChange('a/b')).rejects.toBeInstanceOf(ApiUnreachableError);
    expect(calls[1]?.url).toBe('http://ward.test/prod/changes/a%2Fb');
  });
});
