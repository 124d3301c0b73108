import type { Command } from 'commander';
import { resolve } from 'node:path';
import { analyseTree } from '../../rpcmap/analyse-tree';
import { diffAgainstRules, newEdges } from '../../rpcmap/diff';
import type { Edge } from '../../rpcmap/model';
import { treeAtRef } from '../../rpcmap/scan/git-base';
import { ExitCode, type CliIo } from '../io';
import { formatOption } from '../options';
import { json, paint } from '../render';
import { loadRuleSet } from '../rule-source';
import {
  evidenceLine,
  printWarnings,
  requestCommand,
  runScan,
  scanOptions,
  type ScanCommandOptions,
} from './rpcmap-shared';

const EXIT_CODES = `
Exit codes:
  0  every call found in the code is allowed by the rules
  1  the code calls a service that does not allow it (with --since: a call added since REF),
     or the fleet's rules are invalid
  2  the command line is wrong: a bad option, an invalid rpcmap.yaml, no such root, an unknown REF
`;

/** `ward rpcmap check <root> --fleet DIR [--since REF]`: the CI gate. */
export function registerRpcmapCheck(
  rpcmap: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  const command = rpcmap
    .command('check')
    .description('fail when the code calls a service that does not allow it (the CI gate)')
    .argument('<root>', 'the Go code to scan')
    .option('--fleet <dir>', 'the fleet directory whose rules the code must keep to')
    .option('--from-table <name>', 'read the rules from the registry table instead')
    .option('--since <ref>', 'only fail for calls added since this git commit (a branch, a tag)')
    .addOption(formatOption())
    .addHelpText('after', EXIT_CODES);
  for (const option of scanOptions()) command.addOption(option);
  command.action(
    async (
      root: string,
      options: ScanCommandOptions & {
        fleet?: string;
        fromTable?: string;
        since?: string;
        format: string;
      },
    ) => {
      const rules = await loadRuleSet({
        dir: options.fleet,
        fromTable: options.fromTable,
        env: io.env,
      });
      const { result, input } = await runScan(root, options, io, options.since !== undefined);
      let violations: readonly Edge[] = diffAgainstRules(result, rules).notAllowed;
      if (options.since !== undefined && input !== undefined) {
        const base = analyseTree(treeAtRef(resolve(root), options.since, input));
        const added = new Set(newEdges(result, base).map((edge) => `${edge.from}\0${edge.to}`));
        violations = violations.filter((edge) => added.has(`${edge.from}\0${edge.to}`));
      }
      if (options.format === 'json') {
        io.stdout(
          json({
            ok: violations.length === 0,
            violations: violations.map((edge) => ({
              ...edge,
              request: requestCommand(edge.from, edge.to, edge.evidence[0]),
            })),
          }),
        );
      } else {
        printWarnings(io, result);
        io.stdout(report(io, violations, result.edges.length, options.since));
      }
      done(violations.length === 0 ? ExitCode.ok : ExitCode.refused);
    },
  );
}

function report(
  io: CliIo,
  violations: readonly Edge[],
  edges: number,
  since: string | undefined,
): string {
  const scope = since === undefined ? '' : ` added since ${since}`;
  if (violations.length === 0) {
    return `${paint(io, 'green', 'ok')}: all ${edges} calls between services are allowed${since === undefined ? '' : ` (none added since ${since} is new and not allowed)`}\n`;
  }
  let out = '';
  for (const edge of violations) {
    out += `${paint(io, 'red', 'not allowed')}: ${paint(io, 'bold', edge.from)} calls ${paint(io, 'bold', edge.to)}, which does not allow it\n`;
    for (const evidence of edge.evidence) out += evidenceLine(io, evidence);
    out += `  to ask for access:\n    ${requestCommand(edge.from, edge.to, edge.evidence[0])}\n`;
  }
  out += `${violations.length} call${violations.length === 1 ? '' : 's'}${scope} not allowed by the rules\n`;
  return out;
}
