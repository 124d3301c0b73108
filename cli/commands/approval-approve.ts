import type { Command } from 'commander';
import { apiClientFor, type ChangeView } from '../api-client';
import { missingOf, renderChange } from '../approval-render';
import { terminalConfirm, type Confirm } from '../confirm';
import { ExitCode, type CliIo } from '../io';
import { formatOption } from '../options';
import { json, paint } from '../render';
import { UsageError } from '../rule-source';

/**
 * Whether to go ahead with an approval: `--yes`, or a person's yes at the terminal. Without
 * either nobody has confirmed what was shown, so the approval is refused (fail closed).
 */
export async function confirmApproval(
  view: ChangeView,
  yes: boolean,
  confirm: Confirm | undefined,
): Promise<boolean> {
  if (yes) return true;
  if (confirm === undefined)
    throw new UsageError(
      `not approving change ${view.id}: nobody at a terminal confirmed it; read it with "ward show ${view.id}", then run "ward approve ${view.id} --yes"`,
    );
  return confirm(`approve change ${view.id} as shown above?`);
}

/** What happened, in a line. */
export function approvedLine(view: ChangeView): string {
  if (view.state === 'approved' || view.state === 'applied')
    return `approved change ${view.id}: it has all its approvals and is being applied (see "ward show ${view.id}")\n`;
  return `approved change ${view.id}: still waiting for ${missingOf(view)}\n`;
}

/** `ward approve ID`: shows the change, asks, then approves exactly what was shown. */
export function registerApprovalApprove(
  program: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
  confirm: Confirm | undefined = terminalConfirm(io),
): void {
  program
    .command('approve')
    .description('approve a change request after reading its diff and impact')
    .argument('<id>', 'the change’s id')
    .option('--yes', 'approve what is shown without asking (for scripts)', false)
    .addOption(formatOption())
    .action(async (id: string, options: { yes: boolean; format: string }) => {
      const client = apiClientFor(io);
      const view = await client.getChange(id);
      // People read the diff and impact before deciding; machines asked for JSON only.
      if (options.format !== 'json') io.stdout(renderChange(io, view));
      // A change that is no longer waiting is not worth a question: the API says why.
      if (view.state === 'proposed' && !(await confirmApproval(view, options.yes, confirm))) {
        io.stderr(`${paint(io, 'yellow', 'not approved')}: change ${view.id} is as it was\n`);
        done(ExitCode.refused);
        return;
      }
      const approved = await client.approve(id, view);
      io.stdout(options.format === 'json' ? json(approved) : approvedLine(approved));
      done(ExitCode.ok);
    });
}
