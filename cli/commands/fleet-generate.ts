import type { Command } from 'commander';
import { ruleSetToFleetFiles } from '../../lambdas/core/fleet/fleet-writer';
import { TEAMS_FILE_NAME } from '../../lambdas/core/fleet/fleet-file-schema';
import { generateSyntheticFleet } from '../fleet/synthetic-fleet';
import { isEmptyOrHolds, replaceDirectory } from '../fleet/write-dir';
import { ExitCode, type CliIo } from '../io';
import { formatOption, integer } from '../options';
import { json } from '../render';
import { summariseRuleSet } from '../summary';

/** `ward fleet generate`: a deterministic synthetic fleet for scale work. */
export function registerFleetGenerate(
  fleet: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  fleet
    .command('generate')
    .description(
      'write a synthetic fleet with a realistic skew of callers (deterministic per seed)',
    )
    .requiredOption('--services <n>', 'number of services', integer('--services', 2, 100_000))
    .requiredOption('--edges <m>', 'number of ingress edges', integer('--edges', 0, 10_000_000))
    .option('--seed <s>', 'random seed', integer('--seed', 0, 2 ** 32 - 1), 1)
    .option(
      '--edge-endpoints <n>',
      'public endpoints with WAF rules',
      integer('--edge-endpoints', 0, 100),
      0,
    )
    .option(
      '--workload-groups <n>',
      'VPCs that 5% of the services also run in, outside Kubernetes',
      integer('--workload-groups', 0, 1_000),
      0,
    )
    .requiredOption('--out <dir>', 'directory to write the fleet to (new, empty, or a fleet)')
    .addOption(formatOption())
    .action(
      async (options: {
        services: number;
        edges: number;
        seed: number;
        edgeEndpoints: number;
        workloadGroups: number;
        out: string;
        format: string;
      }) => {
        const ruleSet = generateSyntheticFleet(options);
        await replaceDirectory(
          options.out,
          ruleSetToFleetFiles(ruleSet),
          isEmptyOrHolds(TEAMS_FILE_NAME),
        );
        const summary = summariseRuleSet(ruleSet);
        io.stdout(
          options.format === 'json'
            ? json({ out: options.out, seed: options.seed, summary })
            : `wrote ${options.out}: ${summary.services} services, ${summary.teams} teams, ${summary.ingress} ingress edges, ` +
                `${summary.egress} egress rules, ${summary.grants} grants (seed ${options.seed})\n`,
        );
        done(ExitCode.ok);
      },
    );
}
