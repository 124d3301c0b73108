import type { Command } from 'commander';
import { apiClientFor } from '../api-client';
import { ExitCode, type CliIo } from '../io';
import { formatOption } from '../options';
import { json } from '../render';
import { UsageError } from '../rule-source';
import { MAX_REASON } from './approval-request';

/** `ward reject ID --reason`: an owning team's member says no, and why. */
export function registerApprovalReject(
  program: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  program
    .command('reject')
    .description('reject a change request, saying why (the proposer reads it)')
    .argument('<id>', 'the change’s id')
    .requiredOption('--reason <text>', 'why the change is rejected')
    .addOption(formatOption())
    .action(async (id: string, options: { reason: string; format: string }) => {
      const reason = options.reason.trim();
      if (reason === '' || reason.length > MAX_REASON)
        throw new UsageError(`--reason: say why, in 1 to ${MAX_REASON} characters`);
      const view = await apiClientFor(io).reject(id, reason);
      io.stdout(options.format === 'json' ? json(view) : `rejected change ${view.id}\n`);
      done(ExitCode.ok);
    });
}
