import type { Command } from 'commander';
import { BreakGlassAuditAction } from '../../lambdas/contracts/audit-sources';
import type { DrillRecord, GrantRecord } from '../../lambdas/core/break-glass/drill';
import type { GrantOutcome } from '../../lambdas/core/break-glass/use-cases/grants';
import { callBreakGlass, parseDuration } from '../break-glass-client';
import { ExitCode, type CliIo } from '../io';
import { formatOption } from '../options';
import { json } from '../render';
import { breakGlassOptions } from './break-glass-grant';

/** The drill's grant: between two names no fleet service has, so it opens nothing real. */
export const DRILL_TARGET = { from: 'ward-drill-source', to: 'ward-drill-target' } as const;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `ward break-glass drill --stage s101`: exercises the whole path on purpose. A drill grant
 * (its duration set by the stage), its page seen on the page topic, its expiry enforced by the
 * record and the overlay, its end audited; the function judges and records the drill.
 */
export function registerBreakGlassDrill(
  parent: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  breakGlassOptions(
    parent
      .command('drill')
      .description(
        'exercise break glass end to end (grant, page received, expiry enforced, end event) and record it',
      )
      .option(
        '--grace <duration>',
        'how long after the expiry to wait for the grant to be ended',
        '2m',
      ),
  )
    .addOption(formatOption())
    .action(
      async (options: {
        stage: string;
        function?: string;
        token?: string;
        grace: string;
        format: string;
      }) => {
        const grace = parseDuration(options.grace, '--grace') * 1000;
        const say = (line: string) => {
          if (options.format !== 'json') io.stdout(`${line}\n`);
        };
        const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
        const { grant } = await callBreakGlass<GrantOutcome>(io, options, {
          action: 'grant',
          ...DRILL_TARGET,
          incident: `DRILL-${day}`,
          reason: `break-glass drill of ${options.stage}`,
          drill: true,
        });
        say(`drill grant ${grant.id} until ${grant.expiresAt}`);
        let page: { receivedAt?: string } = {};
        for (let attempt = 0; attempt < 3 && page.receivedAt === undefined; attempt += 1)
          page = await callBreakGlass(io, options, { action: 'drill-page', id: grant.id });
        say(
          page.receivedAt !== undefined
            ? `page received at ${page.receivedAt}`
            : 'page NOT received',
        );
        await sleep(Math.max(0, Date.parse(grant.expiresAt) - Date.now()) + 250);
        const deadline = Date.parse(grant.expiresAt) + grace;
        const ended = (record: GrantRecord) =>
          record.events.some(
            (e) =>
              e.action === BreakGlassAuditAction.expired ||
              e.action === BreakGlassAuditAction.revoked,
          );
        for (;;) {
          const record = await callBreakGlass<GrantRecord>(io, options, {
            action: 'show',
            id: grant.id,
          });
          if (ended(record) || Date.now() > deadline) break;
          await sleep(500);
        }
        const drill = await callBreakGlass<DrillRecord>(io, options, {
          action: 'drill-record',
          id: grant.id,
        });
        if (options.format === 'json') io.stdout(json(drill));
        else {
          for (const step of drill.steps)
            say(`${step.passed ? 'ok  ' : 'FAIL'}  ${step.step}: ${step.detail}`);
          say(
            `drill ${drill.passed ? 'PASSED' : 'FAILED'} in ${drill.stage} (recorded as ${drill.id})`,
          );
        }
        done(drill.passed ? ExitCode.ok : ExitCode.refused);
      },
    );
}
