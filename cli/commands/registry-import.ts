import type { Command } from 'commander';
import { diff } from '../../lambdas/core/rules/change';
import { readFleet } from '../fleet/read-fleet';
import { ExitCode, type CliIo } from '../io';
import { formatOption } from '../options';
import { json, paint } from '../render';
import { registryForTable } from '../registry-client';
import { summariseRuleSet } from '../summary';

/** `ward registry import`: loads a fleet into the registry table as its next version. */
export function registerRegistryImport(
  registry: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  registry
    .command('import')
    .description(
      'make a fleet directory the registry’s rule set (writes only what differs, atomically)',
    )
    .argument('<dir>', 'fleet directory')
    .requiredOption('--table <name>', 'registry table name')
    .addOption(formatOption())
    .action(async (dir: string, options: { table: string; format: string }) => {
      const fleet = await readFleet(dir);
      const target = registryForTable(options.table, io.env);
      const before = await target.readCurrent();
      const committed = await target.replaceAll(fleet, before.version);
      const change = diff(before, committed);
      const changed =
        Object.values(change.add).reduce((n, list) => n + list.length, 0) +
        Object.values(change.remove).reduce((n, list) => n + list.length, 0);
      const summary = summariseRuleSet(committed);
      io.stdout(
        options.format === 'json'
          ? json({
              table: options.table,
              previousVersion: before.version,
              version: committed.version,
              changedRules: changed,
              summary,
            })
          : committed.version === before.version
            ? `${options.table} already holds this fleet at v${committed.version}; nothing written\n`
            : `${paint(io, 'green', 'imported')} ${dir} into ${options.table}: v${before.version} -> v${committed.version}, ` +
              `${changed} rules added or removed (${summary.services} services, ${summary.ingress} ingress, ${summary.egress} egress)\n`,
      );
      done(ExitCode.ok);
    });
}
