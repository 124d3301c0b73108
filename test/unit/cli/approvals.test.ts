import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RuleSetValidationError } from '../../../lambdas/core/rules/problems';
import { awaitingApprovalBy } from '../../../cli/commands/approval-changes';
import { approvedLine, confirmApproval } from '../../../cli/commands/approval-approve';
import { requestBody, type RequestOptions } from '../../../cli/commands/approval-request';
import {
  NotLoggedInError,
  readCredentials,
  resolveApiTarget,
  writeCredentials,
} from '../../../cli/credentials';
import type { CliIo } from '../../../cli/io';
import { durationSeconds } from '../../../cli/local-tokens';
import { UsageError } from '../../../cli/rule-source';
import { tempDir, ward } from '../../support/cli-harness';
import { viewOf } from './approvals-fixtures';

const none: RequestOptions = { to: [], port: [], egress: [], grant: [], capability: [] };
const noApi = { PATH: process.env.PATH };

describe('ward request: what a command line asks for', () => {
  it('given --from and --to with ports, then one ingress rule on those ports', () => {
    expect(
      requestBody({
        ...none,
        from: 'service.feed',
        to: ['service.ledger'],
        port: ['8080', '53/udp'],
        reason: '  show balances  ',
      }),
    ).toEqual({
      add: {
        ingress: [
          {
            from: 'service.feed',
            to: 'service.ledger',
            ports: [{ port: 8080 }, { port: 53, protocol: 'UDP' }],
          },
        ],
      },
      justification: 'show balances',
    });
  });

  it('given --service with --egress and --grant, then egress rules (443 unless a port is given) and grants', () => {
    expect(
      requestBody({
        ...none,
        service: 'service.payments',
        egress: ['api.stripe.com', 'fps.example.com:8443'],
        grant: ['secret/data/shared/x/*'],
        capability: ['read', 'list'],
        reason: 'cards',
      }),
    ).toEqual({
      add: {
        egress: [
          { service: 'service.payments', host: 'api.stripe.com' },
          { service: 'service.payments', host: 'fps.example.com', port: 8443 },
        ],
        grants: [
          {
            service: 'service.payments',
            path: 'secret/data/shared/x/*',
            capabilities: ['read', 'list'],
          },
        ],
      },
      justification: 'cards',
    });
  });

  const usage: [string, Partial<RequestOptions>, RegExp][] = [
    ['no --reason', { from: 'service.a', to: ['service.b'] }, /--reason is required/],
    ['a blank --reason', { from: 'service.a', to: ['service.b'], reason: '  ' }, /--reason/],
    [
      'a --reason over 2,000 characters',
      { from: 'service.a', to: ['service.b'], reason: 'x'.repeat(2001) },
      /at most 2000/,
    ],
    ['nothing to ask for', { reason: 'r' }, /say what access to ask for/],
    ['--to without --from', { to: ['service.b'], reason: 'r' }, /--from and --to go together/],
    [
      '--from without --to',
      { from: 'service.a', egress: ['x.com'], service: 'service.a', reason: 'r' },
      /--from and --to/,
    ],
    ['--egress without --service', { egress: ['x.com'], reason: 'r' }, /--service goes with/],
    [
      '--port without --to',
      { service: 'service.a', egress: ['x.com'], port: ['80'], reason: 'r' },
      /--port narrows a call/,
    ],
    [
      'a port that is not a number',
      { from: 'service.a', to: ['service.b'], port: ['http'], reason: 'r' },
      /--port must be a port number/,
    ],
    [
      '--capability without --grant',
      { service: 'service.a', egress: ['x.com'], capability: ['read'], reason: 'r' },
      /--capability goes with --grant/,
    ],
  ];
  it.each(usage)('given %s, then a usage error that says what to write', (_, options, message) => {
    expect(() => requestBody({ ...none, ...options })).toThrow(UsageError);
    expect(() => requestBody({ ...none, ...options })).toThrow(message);
  });

  it('given a bad service name or host, then core’s own words name the rule and field', () => {
    const call = () =>
      requestBody({
        ...none,
        service: 'Service_A',
        egress: ['not a host'],
        reason: 'r',
      });
    expect(call).toThrow(RuleSetValidationError);
    expect(call).toThrow(/add\.egress\.0\.service/);
  });
});

describe('approval commands that never reach the API', () => {
  it('given a request without what to ask for, then exit 2 with the message, before any login is needed', async () => {
    const run = await ward(['request', '--reason', 'x'], noApi, undefined, tempDir());
    expect(run).toMatchObject({ code: 2, stderr: expect.stringMatching(/say what access/) });
  });

  it('given --to-approve with --mine, then exit 2', async () => {
    const run = await ward(['changes', '--to-approve', '--mine'], noApi, undefined, tempDir());
    expect(run).toMatchObject({ code: 2, stderr: expect.stringMatching(/exclude each other/) });
  });

  it('given an unknown --state, then commander names the choices and exits 2', async () => {
    const run = await ward(['changes', '--state', 'pending'], noApi, undefined, tempDir());
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/proposed, approved/);
  });

  it('given no token anywhere, then exit 1 saying how to log in', async () => {
    const run = await ward(['show', 'abc'], noApi, undefined, tempDir());
    expect(run).toMatchObject({
      code: 1,
      stdout: '',
      stderr: expect.stringMatching(/no token to call the Ward API with: run "ward login/),
    });
  });

  it('given reject without --reason, then exit 2', async () => {
    const run = await ward(['reject', 'abc'], noApi, undefined, tempDir());
    expect(run).toMatchObject({ code: 2, stderr: expect.stringMatching(/--reason/) });
  });

  it('given login with --token but no --api-url, or mixed with --as, then exit 2', async () => {
    const cwd = tempDir();
    expect((await ward(['login', '--token', 't'], noApi, undefined, cwd)).code).toBe(2);
    const mixed = await ward(
      ['login', '--token', 't', '--api-url', 'http://x', '--as', 'a'],
      noApi,
      undefined,
      cwd,
    );
    expect(mixed).toMatchObject({ code: 2, stderr: expect.stringMatching(/local runtime/) });
    expect(existsSync(join(cwd, '.ward/credentials.json'))).toBe(false);
  });

  it('given login --as with no runtime here, then exit 1 saying to start one', async () => {
    const run = await ward(['login', '--as', 'a@b'], noApi, undefined, tempDir());
    expect(run).toMatchObject({ code: 1, stderr: expect.stringMatching(/npm start/) });
  });

  it('given logout when nobody logged in, then it says so and exits 0', async () => {
    const run = await ward(['logout'], noApi, undefined, tempDir());
    expect(run).toMatchObject({ code: 0, stdout: expect.stringMatching(/not logged in here/) });
  });
});

describe('credentials', () => {
  const ioIn = (cwd: string, env: Record<string, string> = {}): CliIo => ({
    stdout: () => undefined,
    stderr: () => undefined,
    isTty: false,
    env,
    cwd,
    untilInterrupted: () => Promise.resolve(),
  });

  it('given ward login stored them, then the file is the owner’s only and commands use it', () => {
    const cwd = tempDir();
    const file = writeCredentials(ioIn(cwd), {
      apiUrl: 'http://127.0.0.1:4310',
      token: 'tok',
      source: 'local',
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(resolveApiTarget(ioIn(cwd))).toEqual({
      apiUrl: 'http://127.0.0.1:4310',
      token: 'tok',
      from: 'credentials',
    });
  });

  it('given WARD_API_URL and WARD_TOKEN, then they win over what is stored, each on its own', () => {
    const cwd = tempDir();
    writeCredentials(ioIn(cwd), { apiUrl: 'http://stored', token: 'stored', source: 'given' });
    expect(resolveApiTarget(ioIn(cwd, { WARD_TOKEN: 'env' }))).toEqual({
      apiUrl: 'http://stored',
      token: 'env',
      from: 'environment',
    });
    expect(resolveApiTarget(ioIn(cwd, { WARD_API_URL: 'http://env' })).apiUrl).toBe('http://env');
  });

  it('given a token but no URL anywhere, then it says to set WARD_API_URL', () => {
    expect(() => resolveApiTarget(ioIn(tempDir(), { WARD_TOKEN: 't' }))).toThrow(
      /no Ward API URL: set WARD_API_URL/,
    );
  });

  it('given a damaged credentials file, then an error that says to log in again', () => {
    const cwd = tempDir();
    mkdirSync(join(cwd, '.ward'));
    writeFileSync(join(cwd, '.ward/credentials.json'), '{"apiUrl": 3}');
    expect(() => readCredentials(ioIn(cwd))).toThrow(NotLoggedInError);
    expect(() => readCredentials(ioIn(cwd))).toThrow(/ward logout/);
    expect(readFileSync(join(cwd, '.ward/credentials.json'), 'utf8')).toBe('{"apiUrl": 3}');
  });

  it('given durations, then seconds; anything else is a usage error', () => {
    expect(durationSeconds('90s')).toBe(90);
    expect(durationSeconds('8h')).toBe(28_800);
    expect(() => durationSeconds('0h')).toThrow(UsageError);
    expect(() => durationSeconds('1 hour')).toThrow(/--expires must look like/);
  });
});

describe('ward approve: confirmation', () => {
  it('given --yes, then it goes ahead without asking', async () => {
    const view = await viewOf({ ingress: [{ from: 'service.feed', to: 'service.ledger' }] });
    await expect(confirmApproval(view, true, undefined)).resolves.toBe(true);
  });

  it('given no terminal and no --yes, then it refuses, saying how to approve on purpose', async () => {
    const view = await viewOf({ ingress: [{ from: 'service.feed', to: 'service.ledger' }] });
    await expect(confirmApproval(view, false, undefined)).rejects.toThrow(
      new RegExp(`ward approve ${view.id} --yes`),
    );
  });

  it('given a person at the terminal, then their answer decides', async () => {
    const view = await viewOf({ ingress: [{ from: 'service.feed', to: 'service.ledger' }] });
    const asked: string[] = [];
    const answer = (yes: boolean) => (question: string) => {
      asked.push(question);
      return Promise.resolve(yes);
    };
    await expect(confirmApproval(view, false, answer(false))).resolves.toBe(false);
    await expect(confirmApproval(view, false, answer(true))).resolves.toBe(true);
    expect(asked[0]).toBe(`approve change ${view.id} as shown above?`);
  });

  it('given the approval, then the line says what is still missing, or that it is being applied', async () => {
    const once = await viewOf(
      { ingress: [{ from: 'service.feed', to: 'service.ledger' }] },
      {
        approvedBy: ['fin1@bank.example'],
      },
    );
    expect(approvedLine(once)).toMatch(/still waiting for finance 1/);
    const twice = await viewOf(
      { ingress: [{ from: 'service.feed', to: 'service.ledger' }] },
      {
        approvedBy: ['fin1@bank.example', 'fin2@bank.example'],
      },
    );
    expect(approvedLine(twice)).toMatch(/has all its approvals/);
  });
});

describe('ward changes --to-approve: what a person could approve now', () => {
  const me = {
    principal: 'fin1@bank.example',
    groups: ['eng-finance'],
    mfa: true,
    personal: true,
    teams: ['finance'],
  };

  it('given changes by others, own, already approved and duplicates, then only the ones waiting for me, once', async () => {
    const toLedger = await viewOf(
      { ingress: [{ from: 'service.feed', to: 'service.ledger' }] },
      { id: 'a' },
    );
    const mine = await viewOf(
      { ingress: [{ from: 'service.feed', to: 'service.pots' }] },
      { id: 'b', proposer: me.principal },
    );
    const approvedByMe = await viewOf(
      { ingress: [{ from: 'service.feed', to: 'service.ledger' }] },
      { id: 'c', approvedBy: [me.principal] },
    );
    const notFinance = await viewOf(
      { ingress: [{ from: 'service.feed', to: 'service.fraud' }] },
      { id: 'd' },
    );
    expect(
      awaitingApprovalBy(me, [toLedger, mine, approvedByMe, notFinance, toLedger]).map((v) => v.id),
    ).toEqual(['a']);
  });
});
