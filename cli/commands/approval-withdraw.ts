import type { Command } from 'commander';
import { apiClientFor } from '../api-client';
import { ExitCode, type CliIo } from '../io';
import { formatOption } from '../options';
import { json } from '../render';

/** `ward withdraw ID`: the proposer takes their change back. */
export function registerApprovalWithdraw(
  program: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  program
    .command('withdraw')
    .description('withdraw a change request you proposed')
    .argument('<id>', 'the change’s id')
    .addOption(formatOption())
    .action(async (id: string, options: { format: string }) => {
      const view = await apiClientFor(io).withdraw(id);
      io.stdout(options.format === 'json' ? json(view) : `withdrew change ${view.id}\n`);
      done(ExitCode.ok);
    });
}
