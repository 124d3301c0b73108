import type { Command } from 'commander';
import { stringify } from 'yaml';
import { exportRuleSet } from '../exchange-format';
import { ExitCode, type CliIo } from '../io';
import { formatOption } from '../options';
import { json } from '../render';
import { loadRuleSet } from '../rule-source';

/** `ward rules export`: the rule set in the exchange shape other tools read. */
export function registerRulesExport(
  rules: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  rules
    .command('export')
    .description('print the rule set as {services, teams, ingress, egress}')
    .argument('[dir]', 'fleet directory')
    .option('--from-table <name>', 'read the rule registry table instead of a directory')
    .addOption(formatOption(['json', 'yaml']))
    .action(async (dir: string | undefined, options: { fromTable?: string; format: string }) => {
      const exported = exportRuleSet(
        await loadRuleSet({ dir, fromTable: options.fromTable, env: io.env }),
      );
      io.stdout(options.format === 'yaml' ? stringify(exported) : json(exported));
      done(ExitCode.ok);
    });
}
