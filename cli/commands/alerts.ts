import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Command } from 'commander';
import type { Alert } from '../../lambdas/contracts/audit-alerts';
import {
  ALERT_HISTORY_DAYS,
  DynamoDetectionStore,
} from '../../lambdas/adapters/audit/dynamo-detection-store';
import { readRuntimeState } from '../../local/runtime/state-file';
import { ExitCode, type CliIo } from '../io';
import { stateDirOf } from '../local-admin';
import { formatOption } from '../options';
import { paint, table } from '../render';
import { UsageError } from '../rule-source';

interface AlertsOptions {
  follow: boolean;
  format: string;
  since: string;
  table?: string;
}

/** What `ward alerts --format json` prints per alert: stable across versions. */
export type AlertLine = Pick<
  Alert,
  'id' | 'detection' | 'severity' | 'count' | 'paged' | 'summary' | 'events'
>;

const POLL_MS = 2_000;
const DURATION = /^(\d+)([mhd])$/;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `--since`: a duration back from now (`30m`, `24h`, `7d`) or an ISO time. */
export function parseSince(value: string, now: Date): Date {
  const duration = DURATION.exec(value);
  const since = duration
    ? new Date(now.getTime() - Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS])
    : new Date(value);
  if (Number.isNaN(since.getTime()))
    throw new UsageError(
      `--since must be a duration (30m, 24h, 7d) or an ISO time, not "${value}"`,
    );
  if (now.getTime() - since.getTime() > ALERT_HISTORY_DAYS * UNIT_MS.d)
    throw new UsageError(
      `--since reaches further back than the ${ALERT_HISTORY_DAYS} days alerts are kept`,
    );
  return since;
}

export const alertLine = (alert: Alert): AlertLine => ({
  id: alert.id,
  detection: alert.detection,
  severity: alert.severity,
  count: alert.count,
  paged: alert.paged,
  summary: alert.summary,
  events: alert.events,
});

/**
 * Where the alerts are: the table named by `--table` (endpoint and credentials as the SDK
 * finds them), or else the running local runtime's registry table on its DynamoDB Local.
 */
function storeFor(io: CliIo, tableName: string | undefined): DynamoDetectionStore {
  let endpoint = io.env.AWS_ENDPOINT_URL_DYNAMODB;
  if (tableName === undefined) {
    const state = readRuntimeState(stateDirOf(io));
    if (state.registryTable === null)
      throw new UsageError('the local runtime has no registry table; name one with --table');
    tableName = state.registryTable;
    endpoint = state.dynamoDbEndpoint;
  }
  const client = new DynamoDBClient(endpoint !== undefined && endpoint !== '' ? { endpoint } : {});
  return new DynamoDetectionStore({ client: DynamoDBDocumentClient.from(client), tableName });
}

function renderText(io: CliIo, alerts: readonly Alert[]): string {
  if (alerts.length === 0) return 'no alerts\n';
  const severity = (a: Alert) =>
    a.severity === 'critical'
      ? paint(io, 'red', a.severity)
      : a.severity === 'high'
        ? paint(io, 'yellow', a.severity)
        : a.severity;
  return alerts
    .map(
      (a) =>
        `${a.lastAt}  ${severity(a)}  ${a.paged ? paint(io, 'red', 'PAGED ') : ''}${a.detection}  x${a.count}\n` +
        `  ${a.summary}\n  ${paint(io, 'dim', `events: ${a.command}`)}\n`,
    )
    .join('');
}

/** `ward alerts`: what the detections alerted on and what paged, newest window last. */
export function registerAlerts(program: Command, io: CliIo, done: (code: ExitCode) => void): void {
  program
    .command('alerts')
    .description('what the audit detections alerted on, and what paged on-call')
    .option('--follow', 'keep printing new and updated alerts until Ctrl+C', false)
    .option('--since <when>', 'how far back: a duration (30m, 24h, 7d) or an ISO time', '24h')
    .option('--table <name>', 'the registry table (default: the running local runtime’s)')
    .addOption(formatOption())
    .action(async (options: AlertsOptions) => {
      const since = parseSince(options.since, new Date());
      const store = storeFor(io, options.table);
      const alerts = await store.listAlerts(since);
      if (!options.follow) {
        if (options.format === 'json')
          io.stdout(`${JSON.stringify(alerts.map(alertLine), null, 2)}\n`);
        else if (io.isTty) io.stdout(summaryTable(alerts) + renderText(io, alerts));
        else io.stdout(renderText(io, alerts));
        done(ExitCode.ok);
        return;
      }
      await follow(io, store, since, alerts, options.format);
      done(ExitCode.ok);
    });
}

const summaryTable = (alerts: readonly Alert[]) =>
  alerts.length === 0
    ? ''
    : table(
        ['severity', 'detection', 'count', 'paged'],
        alerts.map((a) => [a.severity, a.detection, a.count, a.paged ? 'yes' : '']),
      ) + '\n';

/** Prints every alert once, then again whenever its count or paging moves; one line each. */
async function follow(
  io: CliIo,
  store: DynamoDetectionStore,
  since: Date,
  first: readonly Alert[],
  format: string,
): Promise<void> {
  const seen = new Map<string, string>();
  let interrupted = false;
  void io.untilInterrupted().then(() => (interrupted = true));
  let alerts = first;
  while (!interrupted) {
    for (const alert of alerts) {
      const version = `${alert.count}/${alert.paged}/${alert.severity}`;
      if (seen.get(alert.id) === version) continue;
      seen.set(alert.id, version);
      io.stdout(
        format === 'json' ? `${JSON.stringify(alertLine(alert))}\n` : renderText(io, [alert]),
      );
    }
    await Promise.race([
      new Promise((resolve) => setTimeout(resolve, POLL_MS)),
      io.untilInterrupted(),
    ]);
    if (!interrupted) alerts = await store.listAlerts(since);
  }
}
