import type { Command } from 'commander';
import type { BusEventRecord } from '../../local/event-buses/local-event-buses';
import type { PublishedMessage } from '../../local/sns/local-topics';
import type { ExecutionRecord } from '../../local/stepfunctions/local-state-machines';
import { ExitCode, type CliIo } from '../io';
import { askRuntime } from '../local-admin';
import { formatOption } from '../options';
import { json, paint, table } from '../render';

/** `ward local executions|events|alerts`: what the runtime has been doing, for a person. */
export function registerLocalActivity(
  local: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  local
    .command('executions')
    .description('list state machine executions, newest first, and the tasks waiting for a token')
    .addOption(formatOption())
    .action(async (options: { format: string }) => {
      const { answer } = await askRuntime<{
        executions: ExecutionRecord[];
        waitingForTokens: { executionArn: string; stateName: string }[];
      }>(io, 'executions');
      if (options.format === 'json') io.stdout(json(answer));
      else {
        io.stdout(
          table(
            ['started', 'status', 'execution', 'waiting at'],
            answer.executions.map((e) => [
              e.startDate,
              e.status,
              e.executionArn.split(':').slice(-2).join(':'),
              answer.waitingForTokens.find((w) => w.executionArn === e.executionArn)?.stateName ??
                '',
            ]),
          ),
        );
      }
      done(ExitCode.ok);
    });

  follow<BusEventRecord>(
    local,
    io,
    done,
    'events',
    'events',
    'events on the runtime’s buses, and where each was delivered',
    (record) => {
      const event = record.event as { source?: string; 'detail-type'?: string; time?: string };
      const deliveries = record.deliveries
        .map(
          (d) =>
            `${d.ok ? '->' : paint(io, 'red', 'x>')} ${d.target.split(':').pop() ?? d.target}${d.error ? ` (${d.error})` : ''}`,
        )
        .join(' ');
      return `${event.time ?? ''} ${record.bus} ${event.source ?? ''} ${event['detail-type'] ?? ''} ${deliveries}`;
    },
  );
  follow<PublishedMessage>(
    local,
    io,
    done,
    'alerts',
    'alerts',
    'messages published to the runtime’s topics: alerts and pages',
    (m) => `${m.time} ${paint(io, 'yellow', m.topicName)} ${m.subject ?? ''}\n  ${m.message}`,
  );
}

function follow<T>(
  local: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
  name: string,
  path: string,
  description: string,
  render: (item: T) => string,
): void {
  local
    .command(name)
    .description(description)
    .option('--follow', 'keep printing new ones until Ctrl+C', false)
    .addOption(formatOption())
    .action(async (options: { follow: boolean; format: string }) => {
      const key = path === 'alerts' ? 'messages' : 'events';
      let after = 0;
      let interrupted = false;
      void io.untilInterrupted().then(() => (interrupted = true));
      do {
        const { answer } = await askRuntime<Record<string, unknown>>(io, path, {
          after,
          wait: options.follow ? 20 : 0,
        });
        const items = (answer[key] ?? []) as T[];
        for (const item of items)
          io.stdout(options.format === 'json' ? `${JSON.stringify(item)}\n` : `${render(item)}\n`);
        after = Number(answer.next ?? after);
      } while (options.follow && !interrupted);
      done(ExitCode.ok);
    });
}
