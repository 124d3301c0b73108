import type { Command } from 'commander';
import type { Grant } from '../../lambdas/core/break-glass/grant';
import { callBreakGlass } from '../break-glass-client';
import { ExitCode, type CliIo } from '../io';
import { formatOption } from '../options';
import { json } from '../render';
import { breakGlassOptions } from './break-glass-grant';

/** `ward break-glass confirm ID`: the second person, with MFA, lets a grant to a critical target stand. */
export function registerBreakGlassConfirm(
  parent: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  breakGlassOptions(
    parent
      .command('confirm')
      .description(
        'confirm, as the second person, a grant to a critical target (else it is revoked)',
      )
      .argument('<id>', 'the grant, from the page or "ward break-glass list"'),
  )
    .addOption(formatOption())
    .action(
      async (
        id: string,
        options: { stage: string; function?: string; token?: string; format: string },
      ) => {
        const out = await callBreakGlass<{ grant: Grant; audit: string }>(io, options, {
          action: 'confirm',
          id,
        });
        io.stdout(
          options.format === 'json'
            ? json(out)
            : `confirmed ${out.grant.id} as ${out.grant.confirmation?.confirmedBy ?? '?'}; it stands until ${out.grant.expiresAt}\n`,
        );
        done(ExitCode.ok);
      },
    );
}
