import type { Command } from 'commander';
import { apiClientFor } from '../api-client';
import { ExitCode, type CliIo } from '../io';
import { formatOption, integer } from '../options';
import { json } from '../render';
import { stageOption } from './promote';

/** `ward rollback --stage STAGE [--to VERSION]`: re-promote an earlier bundle, through the gate. */
export function registerRollback(
  program: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  program
    .command('rollback')
    .description(
      'put an earlier bundle back in a stage, through the same lane and gate as any promotion',
    )
    .addOption(stageOption('--stage <stage>', 'the stage to roll back'))
    .option(
      '--to <version>',
      'the version to go back to (default: the newest earlier one that may)',
      integer('--to', 0),
    )
    .addOption(formatOption())
    .action(async (options: { stage: string; to?: number; format: string }) => {
      const started = await apiClientFor(io).rollback({
        stage: options.stage,
        ...(options.to !== undefined ? { version: options.to } : {}),
      });
      io.stdout(
        options.format === 'json'
          ? json(started)
          : `rolling ${started.stage} back from v${started.from} to v${started.version}: promotion ${started.id}\n` +
              `  follow it with "ward pipeline"${started.stage === 'prod' ? `; it waits at the prod gate for "ward promote approve ${started.id}" by someone else` : ''}\n`,
      );
      done(ExitCode.ok);
    });
}
