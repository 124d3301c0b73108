import type { Command } from 'commander';
import type { RoleCredentials } from '../../lambdas/core/break-glass/ports';
import { callBreakGlass, parseDuration } from '../break-glass-client';
import { ExitCode, type CliIo } from '../io';
import { formatOption } from '../options';
import { json } from '../render';
import { breakGlassOptions } from './break-glass-grant';

/** `ward break-glass assume ROLE`: short-lived credentials of an emergency role. */
export function registerBreakGlassAssume(
  parent: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  breakGlassOptions(
    parent
      .command('assume')
      .description('short-lived credentials of an emergency role, scoped by a session policy')
      .argument('<role>', 'an emergency role of the stage, e.g. ssm-admin')
      .option(
        '--duration <duration>',
        'how long, 15m to the role’s maximum (default 1h or the maximum)',
      )
      .option('--incident <ref>', 'the incident this is for, e.g. INC-123 (required)')
      .option('--reason <text>', 'what is broken (required)'),
  )
    .addOption(formatOption())
    .action(
      async (
        role: string,
        options: {
          stage: string;
          function?: string;
          token?: string;
          duration?: string;
          incident?: string;
          reason?: string;
          format: string;
        },
      ) => {
        const out = await callBreakGlass<{
          credentials: RoleCredentials;
          role: string;
          expiresAt: string;
          audit: string;
        }>(io, options, {
          action: 'assume',
          role,
          ...(options.duration !== undefined
            ? { durationSeconds: parseDuration(options.duration) }
            : {}),
          ...(options.incident !== undefined ? { incident: options.incident } : {}),
          ...(options.reason !== undefined ? { reason: options.reason } : {}),
        });
        const c = out.credentials;
        io.stdout(
          options.format === 'json'
            ? json(out)
            : [
                `# ${out.role} as ${c.assumedRoleArn}, until ${out.expiresAt} (paged; audit event ${out.audit})`,
                `export AWS_ACCESS_KEY_ID=${c.accessKeyId}`,
                `export AWS_SECRET_ACCESS_KEY=${c.secretAccessKey}`,
                `export AWS_SESSION_TOKEN=${c.sessionToken}`,
                '',
              ].join('\n'),
        );
        done(ExitCode.ok);
      },
    );
}
