import type { Command } from 'commander';
import type { Grant } from '../../lambdas/core/break-glass/grant';
import { callBreakGlass } from '../break-glass-client';
import { ExitCode, type CliIo } from '../io';
import { formatOption } from '../options';
import { json } from '../render';
import { breakGlassOptions } from './break-glass-grant';

/** `ward break-glass revoke ID`: ends a grant before its expiry. */
export function registerBreakGlassRevoke(
  parent: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  breakGlassOptions(
    parent
      .command('revoke')
      .description('end a break-glass grant now')
      .argument('<id>', 'the grant, from "ward break-glass list"')
      .option('--reason <text>', 'why it ends early'),
  )
    .addOption(formatOption())
    .action(
      async (
        id: string,
        options: {
          stage: string;
          function?: string;
          token?: string;
          reason?: string;
          format: string;
        },
      ) => {
        const out = await callBreakGlass<{ grant: Grant; audit: string }>(io, options, {
          action: 'revoke',
          id,
          ...(options.reason !== undefined ? { reason: options.reason } : {}),
        });
        io.stdout(
          options.format === 'json'
            ? json(out)
            : `revoked ${out.grant.id} (audit event ${out.audit})\n`,
        );
        done(ExitCode.ok);
      },
    );
}
