import type { OpenAlertRecord } from '../../../lambdas/adapters/audit/dynamo-detection-store';
import { DynamoDetectionStore } from '../../../lambdas/adapters/audit/dynamo-detection-store';
import { subjectOf } from '../../../lambdas/adapters/audit/sns-alert-publisher';
import { parseSince } from '../../../cli/commands/alerts';
import { DEFAULT_STATE_DIR, writeRuntimeState } from '../../../local/runtime/state-file';
import { join } from 'node:path';
import { tempDir, ward } from '../../support/cli-harness';
import { useRegistryTables } from '../../support/registry-table';

const tables = useRegistryTables('alerts-cli');

function openAlert(overrides: Partial<OpenAlertRecord['alert']> = {}): OpenAlertRecord {
  return { alert: alertOf(overrides), outbox: [] };
}

function alertOf(overrides: Partial<OpenAlertRecord['alert']>): OpenAlertRecord['alert'] {
  const at = new Date(Date.now() - 60_000).toISOString();
  return {
    id: 'a1b2c3',
    dedupKey: 'break-glass-used:oncall@bank.example:service.ledger',
    detection: 'break-glass-used',
    severity: 'critical',
    count: 1,
    paged: true,
    summary: 'oncall@bank.example used break glass: breakglass.granted on service.ledger',
    events: ['evt-1'],
    command: `ward audit search --actor 'oncall@bank.example' --since '${at}'`,
    firstAt: at,
    lastAt: at,
    notifyTeams: [],
    windowEndsAtMs: Date.now() + 300_000,
    ...overrides,
  };
}

describe('ward alerts against a table on DynamoDB Local', () => {
  it('given a paged alert and a counted one, then json lists both with the agreed fields only', async () => {
    const tableName = await tables.create();
    const store = new DynamoDetectionStore({ client: tables.client, tableName });
    await store.commit(
      [],
      [
        { record: openAlert(), revision: 0 },
        {
          record: openAlert({
            id: 'd4e5f6',
            dedupKey: 'self-approval-attempt:pat@bank.example',
            detection: 'self-approval-attempt',
            severity: 'high',
            count: 50,
            paged: false,
            summary: 'pat@bank.example tried to approve their own change chg-1',
          }),
          revision: 0,
        },
      ],
    );
    const run = await ward(['alerts', '--table', tableName, '--format', 'json']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const alerts = JSON.parse(run.stdout) as Record<string, unknown>[];
    expect(alerts.map((a) => Object.keys(a).sort())).toEqual(
      Array(2).fill(['count', 'detection', 'events', 'id', 'paged', 'severity', 'summary']),
    );
    expect(alerts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ detection: 'break-glass-used', paged: true, count: 1 }),
        expect.objectContaining({ detection: 'self-approval-attempt', paged: false, count: 50 }),
      ]),
    );

    const text = await ward(['alerts', '--table', tableName]);
    expect(text.stdout).toContain('critical  PAGED break-glass-used  x1');
    expect(text.stdout).toContain('high  self-approval-attempt  x50');
  });

  it('given no --table, then it reads the running local runtime’s registry table', async () => {
    const tableName = await tables.create();
    const store = new DynamoDetectionStore({ client: tables.client, tableName });
    await store.commit([], [{ record: openAlert(), revision: 0 }]);
    const cwd = tempDir();
    // A runtime state file as `ward local up` writes it; this process stands in for its pid.
    writeRuntimeState(join(cwd, DEFAULT_STATE_DIR), {
      pid: process.pid,
      startedAt: new Date().toISOString(),
      apiUrl: null,
      awsEndpoint: 'http://127.0.0.1:1',
      dynamoDbEndpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB ?? '',
      authorizers: [],
      fleetDir: null,
      registryTable: tableName,
    });
    const { AWS_ENDPOINT_URL_DYNAMODB: _ignored, ...env } = process.env;
    const run = await ward(['alerts', '--format', 'json'], env, undefined, cwd);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(run.stdout)).toEqual([
      expect.objectContaining({ id: 'a1b2c3', paged: true }),
    ]);
  });

  it('given --follow, then each alert prints once until interrupted', async () => {
    const tableName = await tables.create();
    const store = new DynamoDetectionStore({ client: tables.client, tableName });
    await store.commit([], [{ record: openAlert(), revision: 0 }]);
    const run = await ward(
      ['alerts', '--table', tableName, '--follow', '--format', 'json'],
      process.env,
      () => new Promise((resolve) => setTimeout(resolve, 2_500)),
    );
    expect(run.code).toBe(0);
    expect(run.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('given an empty table, then "no alerts"; given a bad --since, then a usage error and no read', async () => {
    const tableName = await tables.create();
    expect((await ward(['alerts', '--table', tableName])).stdout).toBe('no alerts\n');
    const bad = await ward(['alerts', '--table', tableName, '--since', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--since must be a duration');
  });

  it('reads durations and ISO times for --since, and keeps SNS subjects printable and short', () => {
    const now = new Date('2026-11-25T12:00:00.000Z');
    expect(parseSince('90m', now).toISOString()).toBe('2026-11-25T10:30:00.000Z');
    expect(parseSince('2026-11-24T00:00:00Z', now).toISOString()).toBe('2026-11-24T00:00:00.000Z');
    expect(() => parseSince('400d', now)).toThrow('further back');
    const subject = subjectOf({ ...alertOf({}), summary: `é${'x'.repeat(200)}` });
    expect(subject).toMatch(/^\[critical\] break-glass-used: \?x+\.\.\.$/);
    expect(subject.length).toBe(100);
  });
});
