import type { Command } from 'commander';
import { relative } from 'node:path';
import { credentialsPath, removeCredentials } from '../credentials';
import { ExitCode, type CliIo } from '../io';
import { formatOption } from '../options';
import { json } from '../render';

/** `ward logout`: forgets what `ward login` stored here. */
export function registerApprovalLogout(
  program: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  program
    .command('logout')
    .description('remove the credentials "ward login" stored here')
    .addOption(formatOption())
    .action((options: { format: string }) => {
      const file = relative(io.cwd, credentialsPath(io));
      const removed = removeCredentials(io);
      io.stdout(
        options.format === 'json'
          ? json({ removed, file })
          : removed
            ? `logged out: removed ${file}\n`
            : `not logged in here (no ${file}); nothing to do\n`,
      );
      done(ExitCode.ok);
    });
}
