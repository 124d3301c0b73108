import { Option, type Command } from 'commander';
import { apiClientFor } from '../api-client';
import { ExitCode, type CliIo } from '../io';
import { formatOption, integer } from '../options';
import { json } from '../render';
import { STAGES } from '../../lambdas/contracts/stages';

/** `--to` / `--stage`: one of the stages, refused by commander otherwise (exit 2). */
export function stageOption(flags: string, description: string, mandatory = true): Option {
  const option = new Option(flags, description).choices([...STAGES]);
  return mandatory ? option.makeOptionMandatory() : option;
}

/**
 * `ward promote VERSION --to STAGE`: promote a stored bundle into one stage; and
 * `ward promote approve|reject ID`: decide on a promotion waiting at a stage's gate.
 */
export function registerPromote(program: Command, io: CliIo, done: (code: ExitCode) => void): void {
  const promote = program
    .command('promote')
    .description(
      'promote a bundle into a stage (each earlier stage must have verified it), or decide at a gate',
    )
    .argument('[version]', 'the rule-set version whose bundle to promote', integer('VERSION', 0))
    // Not mandatory to commander: it would demand it of `promote approve` too.
    .addOption(stageOption('--to <stage>', 'the stage to promote it into (it stops there)', false))
    .addOption(formatOption())
    .action(async (version: number | undefined, options: { to?: string; format: string }) => {
      if (version === undefined || options.to === undefined) {
        promote.error(
          'error: say what to promote where: "ward promote VERSION --to STAGE" (or "promote approve|reject ID")',
          { exitCode: ExitCode.usage },
        );
        return;
      }
      const started = await apiClientFor(io).startPromotion({ version, stage: options.to });
      io.stdout(
        options.format === 'json'
          ? json(started)
          : `promoting v${started.version} into ${started.stage}: promotion ${started.id}\n` +
              `  follow it with "ward pipeline"${started.stage === 'prod' ? `; it waits at the prod gate for "ward promote approve ${started.id}" by someone else` : ''}\n`,
      );
      done(ExitCode.ok);
    });
  // Options after `approve` or `reject` are theirs, not the parent's.
  promote.enablePositionalOptions();
  for (const decision of ['approve', 'reject'] as const) {
    const command = promote
      .command(decision)
      .description(
        decision === 'approve'
          ? 'approve the promotion waiting at the gate (a person with MFA, not its proposers or promoter)'
          : 'reject the promotion waiting at the gate',
      )
      .argument('<id>', 'the promotion’s id, from "ward pipeline"')
      .option('--stage <stage>', 'the gated stage', 'prod')
      .addOption(formatOption());
    if (decision === 'reject') command.requiredOption('--reason <text>', 'why it is rejected');
    command.action(
      async (id: string, options: { stage: string; reason?: string; format: string }) => {
        const result = await apiClientFor(io).decidePromotion(id, decision, {
          stage: options.stage,
          ...(options.reason !== undefined ? { reason: options.reason } : {}),
        });
        io.stdout(
          options.format === 'json'
            ? json(result)
            : `${result.outcome} promotion ${result.id} at the ${result.stage} gate\n`,
        );
        done(ExitCode.ok);
      },
    );
  }
}
