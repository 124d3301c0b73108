import type { Command } from 'commander';
import { summariseRuleSet } from '../summary';
import { readFleet } from '../fleet/read-fleet';
import { ExitCode, type CliIo } from '../io';
import { formatOption } from '../options';
import { json, paint } from '../render';

/** `ward validate <dir>`: checks a fleet and reports every problem with file and line. */
export function registerValidate(
  program: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  program
    .command('validate')
    .description('check a fleet directory and report every problem with its file and line')
    .argument('<dir>', 'fleet directory (teams.yaml and services/*/ward.yaml)')
    .addOption(formatOption())
    .action(async (dir: string, options: { format: string }) => {
      const ruleSet = await readFleet(dir);
      const summary = summariseRuleSet(ruleSet);
      io.stdout(
        options.format === 'json'
          ? json({ ok: true, problems: [], summary })
          : `${paint(io, 'green', 'ok')} ${dir}: ${summary.services} services, ${summary.teams} teams, ` +
              `${summary.ingress} ingress, ${summary.egress} egress, ${summary.grants} grants, ` +
              `${summary.edgeEndpoints} edge endpoints, ${summary.workloadGroups} workload groups\n`,
      );
      done(ExitCode.ok);
    });
}
