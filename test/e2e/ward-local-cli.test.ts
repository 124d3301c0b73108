import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { EXAMPLE_FLEET, ward } from '../support/cli-harness';

/**
 * `ward local up` as `npm start` runs it, driven in-process: the other `ward local` commands
 * find it through its state file and ask it what it is doing.
 */
describe('ward local up, status, token, events, alerts, executions', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'ward-local-cli-'));
  const inCwd = { ...process.env };
  let stop: () => void = () => undefined;
  let up: Promise<{ code: number; stdout: string; stderr: string }>;
  const inDir = (args: string[]) => ward(args, inCwd, undefined, cwd);

  beforeAll(async () => {
    const interrupted = new Promise<void>((resolve) => (stop = resolve));
    up = ward(
      [
        'local',
        'up',
        '--fleet',
        EXAMPLE_FLEET,
        '--api-port',
        '0',
        '--aws-port',
        '0',
        '--dynamodb-port',
        '0',
        '--quiet',
      ],
      inCwd,
      () => interrupted,
      cwd,
    );
    // Ready once the state file answers.
    for (let i = 0; i < 600; i += 1) {
      const status = await inDir(['local', 'status', '--format', 'json']);
      if (status.code === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('ward local up did not become ready');
  }, 120_000);

  afterAll(async () => {
    stop();
    const finished = await up;
    expect(finished.code).toBe(0);
  });

  it('given it is up, then status --format json gives the endpoints and every engine’s state', async () => {
    const status = JSON.parse((await inDir(['local', 'status', '--format', 'json'])).stdout) as {
      apiUrl: string | null;
      engines: Record<string, { state: string }>;
    };
    expect(status).toHaveProperty('apiUrl');
    expect(Object.entries(status.engines).map(([name, e]) => [name, e.state])).toEqual(
      ['dynamodb', 'lambda', 'httpApi', 'stepFunctions', 'eventBridge', 'sns', 'sqs', 's3'].map(
        (name) => [name, 'running'],
      ),
    );
  });

  it('given it was seeded, then the registry holds the example fleet', async () => {
    const status = JSON.parse((await inDir(['local', 'status', '--format', 'json'])).stdout) as {
      engines: { dynamodb: { endpoint: string; tables: string[] } };
    };
    const env = { ...process.env, AWS_ENDPOINT_URL_DYNAMODB: status.engines.dynamodb.endpoint };
    const exported = await ward(
      ['rules', 'export', '--from-table', status.engines.dynamodb.tables[0] ?? ''],
      env,
      undefined,
      cwd,
    );
    expect(exported.stderr).toBe('');
    expect(JSON.parse(exported.stdout)).toEqual(
      JSON.parse((await ward(['rules', 'export', EXAMPLE_FLEET])).stdout),
    );
  });

  it('given --team and --mfa, then the token carries the team’s group and a second factor', async () => {
    const printed = await inDir([
      'local',
      'token',
      'alice@bank.example',
      '--team',
      'finance',
      '--mfa',
      '--issuer',
      'https://idp.example/',
      '--audience',
      'ward',
    ]);
    expect(printed.code).toBe(0);
    expect(decodeJwt(printed.stdout.trim())).toMatchObject({
      sub: 'alice@bank.example',
      groups: ['eng-finance'],
      amr: ['pwd', 'mfa'],
      iss: 'https://idp.example/',
      aud: 'ward',
    });
  });

  it('given an unknown team, then the token is refused naming the teams there are', async () => {
    const printed = await inDir([
      'local',
      'token',
      'bob',
      '--team',
      'fnance',
      '--issuer',
      'https://idp.example/',
      '--audience',
      'ward',
    ]);
    expect(printed).toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/no team "fnance".*teams are: customer, finance/),
    });
  });

  it('given no activity yet, then events, alerts and executions answer with nothing, without error', async () => {
    for (const command of ['events', 'alerts', 'executions']) {
      expect((await inDir(['local', command])).code).toBe(0);
    }
  });

  it('given the pattern tester, then it answers without the runtime', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pattern-'));
    writeFileSync(join(dir, 'p.json'), '{"source":["ward.approvals"]}');
    writeFileSync(
      join(dir, 'e.json'),
      JSON.stringify({
        id: '1',
        account: '000000000000',
        source: 'ward.approvals',
        time: '2026-11-25T00:00:00Z',
        region: 'eu-west-2',
        resources: [],
        'detail-type': 'x',
        detail: {},
      }),
    );
    const run = await inDir([
      'local',
      'test-pattern',
      '--pattern',
      join(dir, 'p.json'),
      '--event',
      join(dir, 'e.json'),
    ]);
    expect(run).toMatchObject({ code: 0, stdout: 'true\n' });
  });
});

describe('ward local commands without a runtime', () => {
  it('given nothing is running, then status says so and how to start one', async () => {
    const run = await ward(
      ['local', 'status'],
      process.env,
      undefined,
      mkdtempSync(join(tmpdir(), 'ward-none-')),
    );
    expect(run).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        /no local runtime is running here .* start one with "npm start"/,
      ),
    });
  });
});
