import type { Command } from 'commander';
import { apiClientFor } from '../api-client';
import { ExitCode, type CliIo } from '../io';
import { formatOption } from '../options';
import { json } from '../render';

/** `ward promote approve|reject ID`: decide on a promotion waiting at a stage's gate. */
export function registerPromote(program: Command, io: CliIo, done: (code: ExitCode) => void): void {
  const promote = program
    .command('promote')
    .description('decide on promotions waiting at a gate (see "ward pipeline")');
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
