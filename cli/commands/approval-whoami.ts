import type { Command } from 'commander';
import { apiClientFor } from '../api-client';
import { ExitCode, type CliIo } from '../io';
import { formatOption } from '../options';
import { json } from '../render';

/** `ward whoami`: who the API takes the caller for, and which teams that makes them part of. */
export function registerApprovalWhoami(
  program: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  program
    .command('whoami')
    .description('show who the Ward API takes you for: principal, teams, groups, MFA')
    .addOption(formatOption())
    .action(async (options: { format: string }) => {
      const client = apiClientFor(io);
      const me = await client.whoami();
      io.stdout(
        options.format === 'json'
          ? json({ ...me, apiUrl: client.apiUrl })
          : [
              ['principal', me.principal],
              ['teams', me.teams.join(', ') || '(none)'],
              ['groups', me.groups.join(', ') || '(none)'],
              ['mfa', me.mfa ? 'yes' : 'no'],
              ['person', me.personal ? 'yes' : 'no (a service: may propose, never approve)'],
              ['api', client.apiUrl],
            ]
              .map(([name, value]) => `${(name ?? '').padEnd(10)} ${value ?? ''}\n`)
              .join(''),
      );
      done(ExitCode.ok);
    });
}
