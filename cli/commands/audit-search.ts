import type { Command } from 'commander';
import type { AuditEvent } from '../../lambdas/contracts/audit-event';
import { servicesOf } from '../../lambdas/core/audit/enrichment';
import {
  archiveLocationOptions,
  archiveSource,
  batchPrefix,
  eventLine,
  eventsOf,
  type ArchiveLocationOptions,
} from '../audit-archive-source';
import { ExitCode, type CliIo } from '../io';
import { formatOption } from '../options';
import { UsageError } from '../rule-source';

interface SearchOptions extends ArchiveLocationOptions {
  actor?: string;
  service?: string;
  action?: string;
  since: string;
  format: string;
}

const DURATION = /^(\d+)([smhd])$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** A duration written `30s`, `15m`, `24h` or `7d`, in milliseconds. */
export function parseDuration(value: string, name: string): number {
  const match = DURATION.exec(value);
  if (match === null)
    throw new UsageError(`${name} must be a duration such as 30s, 15m, 24h or 7d, not "${value}"`);
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/** `--since`: a duration back from now, or an ISO time. */
function since(value: string, now: Date): Date {
  const time = DURATION.test(value)
    ? new Date(now.getTime() - parseDuration(value, '--since'))
    : new Date(value);
  if (Number.isNaN(time.getTime()))
    throw new UsageError(
      `--since must be a duration (15m, 24h, 7d) or an ISO time, not "${value}"`,
    );
  return time;
}

/** Whether an event matches every filter given; the same event archived twice counts once. */
export function matches(
  event: AuditEvent,
  filter: Omit<SearchOptions, 'format' | 'stream'>,
  from: Date,
): boolean {
  return (
    Date.parse(event.time) >= from.getTime() &&
    (filter.actor === undefined || event.actor.principal === filter.actor) &&
    (filter.action === undefined || event.action === filter.action) &&
    (filter.service === undefined || servicesOf(event).includes(filter.service))
  );
}

/** `ward audit search`: the archived events of a person, a service or an action. */
export function registerAuditSearch(
  audit: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  archiveLocationOptions(audit.command('search').description('find events in the audit archive'))
    .option('--actor <principal>', 'who acted (e.g. alice@bank.example)')
    .option('--service <name>', 'a service the event concerns (e.g. service.ledger)')
    .option('--action <action>', 'what was done (e.g. change.approval.recorded)')
    .option('--since <when>', 'how far back: a duration (15m, 24h, 7d) or an ISO time', '24h')
    .addOption(formatOption())
    .action(async (options: SearchOptions) => {
      const from = since(options.since, new Date());
      const source = await archiveSource(io, options);
      const seen = new Set<string>();
      const found: AuditEvent[] = [];
      for (const batch of await source.store.list(batchPrefix(source.stream)))
        for (const event of eventsOf(batch))
          if (!seen.has(event.id) && matches(event, options, from)) {
            seen.add(event.id);
            found.push(event);
          }
      found.sort((a, b) => a.time.localeCompare(b.time));
      if (options.format === 'json') io.stdout(`${JSON.stringify(found, null, 2)}\n`);
      else
        io.stdout(
          found.length === 0
            ? 'no matching events\n'
            : found.map((e) => `${eventLine(e)}\n`).join(''),
        );
      done(ExitCode.ok);
    });
}
