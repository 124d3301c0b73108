import type { Command } from 'commander';
import { diffAgainstRules } from '../../rpcmap/diff';
import { ExitCode, type CliIo } from '../io';
import { formatOption } from '../options';
import { json, paint } from '../render';
import { loadRuleSet } from '../rule-source';
import {
  evidenceLine,
  printWarnings,
  runScan,
  scanOptions,
  type ScanCommandOptions,
} from './rpcmap-shared';

/** `ward rpcmap diff <root> --fleet DIR`: code against rules, both ways. */
export function registerRpcmapDiff(
  rpcmap: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  const command = rpcmap
    .command('diff')
    .description('calls in code the rules do not allow, and allowed calls no longer in code')
    .argument('<root>', 'the Go code to scan')
    .option('--fleet <dir>', 'the fleet directory whose rules to compare with')
    .option('--from-table <name>', 'read the rules from the registry table instead')
    .addOption(formatOption());
  for (const option of scanOptions()) command.addOption(option);
  command.action(
    async (
      root: string,
      options: ScanCommandOptions & { fleet?: string; fromTable?: string; format: string },
    ) => {
      const rules = await loadRuleSet({
        dir: options.fleet,
        fromTable: options.fromTable,
        env: io.env,
      });
      const { result } = await runScan(root, options, io);
      const diff = diffAgainstRules(result, rules);
      if (options.format === 'json') {
        io.stdout(json(diff));
        done(ExitCode.ok);
        return;
      }
      printWarnings(io, result);
      let out = '';
      for (const edge of diff.notAllowed) {
        out += `${paint(io, 'red', 'not allowed')}  ${edge.from} -> ${edge.to}\n`;
        for (const evidence of edge.evidence) out += evidenceLine(io, evidence);
      }
      for (const egress of diff.egressNotAllowed) {
        out += `${paint(io, 'red', 'not allowed')}  ${egress.from} -> ${egress.host}:${egress.port} (internet)\n`;
        for (const evidence of egress.evidence) out += evidenceLine(io, evidence);
      }
      for (const edge of diff.notSeen) {
        out += `${paint(io, 'yellow', 'not seen')}     ${edge.from} -> ${edge.to} (allowed, but no call in code)\n`;
      }
      for (const name of diff.unknownServices) {
        out += `${paint(io, 'yellow', 'unknown')}      ${name} (in the code, not in the fleet)\n`;
      }
      out += `${diff.notAllowed.length} calls not allowed, ${diff.egressNotAllowed.length} internet hosts not allowed, ${diff.notSeen.length} allowed calls not seen\n`;
      io.stdout(out);
      done(ExitCode.ok);
    },
  );
}
