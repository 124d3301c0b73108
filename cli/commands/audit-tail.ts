import type { Command } from 'commander';
import type { AuditEvent } from '../../lambdas/contracts/audit-event';
import {
  archiveLocationOptions,
  archiveSource,
  batchPrefix,
  eventLine,
  eventsOf,
  type ArchiveLocationOptions,
} from '../audit-archive-source';
import { ExitCode, type CliIo } from '../io';
import { formatOption, integer } from '../options';

interface TailOptions extends ArchiveLocationOptions {
  follow: boolean;
  lines: number;
  format: string;
}

const POLL_MS = 2_000;

/** `ward audit tail`: the newest archived events, and with --follow each new batch's. */
export function registerAuditTail(audit: Command, io: CliIo, done: (code: ExitCode) => void): void {
  archiveLocationOptions(
    audit.command('tail').description('the newest events in the audit archive'),
  )
    .option('--follow', 'keep printing events as they are archived, until Ctrl+C', false)
    .option(
      '-n, --lines <count>',
      'how many of the newest events to print first',
      integer('--lines', 0, 100_000),
      20,
    )
    .addOption(formatOption())
    .action(async (options: TailOptions) => {
      const source = await archiveSource(io, options);
      const print = (events: readonly AuditEvent[]) => {
        for (const event of events)
          io.stdout(
            options.format === 'json' ? `${JSON.stringify(event)}\n` : `${eventLine(event)}\n`,
          );
      };
      const prefix = batchPrefix(source.stream);
      const first = await source.store.list(prefix);
      const newest = first.flatMap(eventsOf);
      print(options.lines === 0 ? [] : newest.slice(-options.lines));
      let last = first.at(-1)?.key;
      if (!options.follow) {
        done(ExitCode.ok);
        return;
      }
      let interrupted = false;
      void io.untilInterrupted().then(() => (interrupted = true));
      while (!interrupted) {
        await Promise.race([
          new Promise((resolve) => setTimeout(resolve, POLL_MS)),
          io.untilInterrupted(),
        ]);
        if (interrupted) break;
        const batches = await source.store.list(prefix, last);
        print(batches.flatMap(eventsOf));
        last = batches.at(-1)?.key ?? last;
      }
      done(ExitCode.ok);
    });
}
