import type { Command } from 'commander';
import type { ScanResult } from '../../rpcmap/model';
import { ExitCode, type CliIo } from '../io';
import { formatOption } from '../options';
import { json, paint } from '../render';
import {
  evidenceLine,
  printWarnings,
  runScan,
  scanOptions,
  type ScanCommandOptions,
} from './rpcmap-shared';

/** `ward rpcmap scan <root>`: who calls whom, and which internet hosts, with evidence. */
export function registerRpcmapScan(
  rpcmap: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  const command = rpcmap
    .command('scan')
    .description('find every call a service makes to another service or an internet host')
    .argument('<root>', 'the Go code to scan (a monorepo, or a directory of repositories)')
    .addOption(formatOption(['text', 'json', 'dot']));
  for (const option of scanOptions()) command.addOption(option);
  command.action(async (root: string, options: ScanCommandOptions & { format: string }) => {
    const { result } = await runScan(root, options, io);
    if (options.format === 'json') io.stdout(json(result));
    else if (options.format === 'dot') io.stdout(toDot(result));
    else {
      printWarnings(io, result);
      io.stdout(toText(io, result));
    }
    done(ExitCode.ok);
  });
}

function toText(io: CliIo, result: ScanResult): string {
  let out = '';
  for (const edge of result.edges) {
    out += `${paint(io, 'bold', edge.from)} -> ${paint(io, 'bold', edge.to)}\n`;
    for (const evidence of edge.evidence) out += evidenceLine(io, evidence);
  }
  for (const egress of result.egress) {
    out += `${paint(io, 'bold', egress.from)} -> ${egress.host}:${egress.port} (internet)\n`;
    for (const evidence of egress.evidence) out += evidenceLine(io, evidence);
  }
  for (const unresolved of result.unresolved) {
    out += `${paint(io, 'bold', unresolved.from)} -> ? ${paint(io, 'yellow', unresolved.reason)}\n`;
    for (const evidence of unresolved.evidence) out += evidenceLine(io, evidence);
  }
  out += `${result.services.length} services, ${result.edges.length} edges, ${result.egress.length} internet hosts, ${result.unresolved.length} unresolved\n`;
  return out;
}

/** Graphviz: services as boxes, internet hosts as ellipses, unresolved calls left out. */
function toDot(result: ScanResult): string {
  const quote = (text: string) => JSON.stringify(text);
  const lines = ['digraph rpcmap {', '  rankdir=LR;', '  node [shape=box];'];
  for (const service of result.services) lines.push(`  ${quote(service.name)};`);
  for (const edge of result.edges) {
    lines.push(
      `  ${quote(edge.from)} -> ${quote(edge.to)} [label=${quote(String(edge.evidence.length))}];`,
    );
  }
  for (const egress of result.egress) {
    const host = `${egress.host}:${egress.port}`;
    lines.push(`  ${quote(host)} [shape=ellipse];`);
    lines.push(`  ${quote(egress.from)} -> ${quote(host)} [style=dashed];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
