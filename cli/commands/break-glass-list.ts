import type { Command } from 'commander';
import { describeTarget, type Grant } from '../../lambdas/core/break-glass/grant';
import { callBreakGlass } from '../break-glass-client';
import { ExitCode, type CliIo } from '../io';
import { formatOption } from '../options';
import { json } from '../render';
import { breakGlassOptions } from './break-glass-grant';

/** One live grant, as `--format json` prints it (stable). */
export interface GrantLine {
  readonly id: string;
  readonly stage: string;
  readonly kind: 'network' | 'egress' | 'inbound';
  readonly what: string;
  readonly grantedBy: string;
  readonly incident: string;
  readonly reason: string;
  readonly grantedAt: string;
  readonly expiresAt: string;
  readonly confirmBy: string | null;
  readonly confirmedBy: string | null;
}

export const grantLine = (grant: Grant): GrantLine => ({
  id: grant.id,
  stage: grant.stage,
  kind: grant.target.kind,
  what: describeTarget(grant.target),
  grantedBy: grant.grantedBy.principal,
  incident: grant.incident,
  reason: grant.reason,
  grantedAt: grant.grantedAt,
  expiresAt: grant.expiresAt,
  confirmBy: grant.confirmation?.by ?? null,
  confirmedBy: grant.confirmation?.confirmedBy ?? null,
});

/** `ward break-glass list`: the grants that give access now, with their expiry. */
export function registerBreakGlassList(
  parent: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  breakGlassOptions(
    parent.command('list').description('the live break-glass grants, with their expiry'),
  )
    .addOption(formatOption())
    .action(
      async (options: { stage: string; function?: string; token?: string; format: string }) => {
        const { grants } = await callBreakGlass<{ grants: Grant[] }>(io, options, {
          action: 'list',
        });
        const lines = grants.map(grantLine);
        if (options.format === 'json') io.stdout(json(lines));
        else if (lines.length === 0) io.stdout(`no live break-glass grants in ${options.stage}\n`);
        else
          io.stdout(
            lines
              .map(
                (l) =>
                  `${l.id}  ${l.what}  until ${l.expiresAt}  by ${l.grantedBy}  ${l.incident}${l.confirmBy !== null && l.confirmedBy === null ? `  UNCONFIRMED (by ${l.confirmBy})` : ''}\n`,
              )
              .join(''),
          );
        done(ExitCode.ok);
      },
    );
}
