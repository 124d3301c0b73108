import type { Command } from 'commander';
import { apiClientFor } from '../api-client';
import { renderChange } from '../approval-render';
import { ExitCode, type CliIo } from '../io';
import { formatOption } from '../options';
import { json } from '../render';

/** `ward show ID`: one change in full: diff, impact, approvals, history. */
export function registerApprovalShow(
  program: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  program
    .command('show')
    .description('show a change request in full: diff, impact, approvals and history')
    .argument('<id>', 'the change’s id (from "ward request" or "ward changes")')
    .addOption(formatOption())
    .action(async (id: string, options: { format: string }) => {
      const view = await apiClientFor(io).getChange(id);
      io.stdout(options.format === 'json' ? json(view) : renderChange(io, view));
      done(ExitCode.ok);
    });
}
