import type { Command } from 'commander';
import { apiClientFor } from '../api-client';
import { ExitCode, type CliIo } from '../io';
import { formatOption, integer } from '../options';
import { json, paint } from '../render';
import type { BundleChanges } from '../../lambdas/core/promotion/bundle-changes';

/** `ward bundle show VERSION`: what a bundle changed since the one before it. */
export function registerBundleShow(
  program: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  program
    .command('bundle')
    .description('read compiled bundles')
    .command('show')
    .description('what a bundle changed since the previous one, in edges and WAF rules')
    .argument('<version>', 'the rule-set version of the bundle', integer('VERSION', 0))
    .addOption(formatOption())
    .action(async (version: number, options: { format: string }) => {
      const changes = await apiClientFor(io).bundleChanges(version);
      io.stdout(options.format === 'json' ? json(changes) : render(io, changes));
      done(ExitCode.ok);
    });
}

function render(io: CliIo, c: BundleChanges): string {
  const sha = (s: string) => s.slice(0, 12);
  const lines = [
    `${paint(io, 'bold', `bundle v${c.bundle.version}`)} ${sha(c.bundle.bundleSha256)}` +
      (c.previous === null
        ? ' (the first bundle: everything is new)'
        : ` against v${c.previous.version} ${sha(c.previous.bundleSha256)}`),
    `files: ${c.files.added} added, ${c.files.removed} removed, ${c.files.changed} changed`,
    '',
  ];
  if (c.edges === null) lines.push('edges: not recorded in one of the manifests');
  else if (c.edges.added.length + c.edges.removed.length === 0) lines.push('edges: no change');
  else {
    lines.push('edges:');
    for (const edge of c.edges.added) lines.push(`  ${paint(io, 'green', `+ ${edge}`)}`);
    for (const edge of c.edges.removed) lines.push(`  ${paint(io, 'red', `- ${edge}`)}`);
  }
  lines.push('');
  if (c.waf.length === 0) lines.push('WAF: no change');
  else {
    lines.push('WAF:');
    for (const e of c.waf) {
      const wcu = `${e.capacity.from ?? '-'} -> ${e.capacity.to ?? '-'} WCU`;
      lines.push(`  ${e.endpoint} (${e.change}, ${wcu})`);
      if (e.defaultAction !== undefined)
        lines.push(`    default action ${e.defaultAction.from} -> ${e.defaultAction.to}`);
      for (const r of e.rules.added) lines.push(`    ${paint(io, 'green', `+ ${r}`)}`);
      for (const r of e.rules.removed) lines.push(`    ${paint(io, 'red', `- ${r}`)}`);
      for (const r of e.rules.changed) lines.push(`    ${paint(io, 'yellow', `~ ${r}`)}`);
    }
  }
  if (c.dnsFirewall.length > 0) {
    lines.push('', 'DNS Firewall:');
    for (const g of c.dnsFirewall) {
      lines.push(`  ${g.group} (${g.change})`);
      for (const d of g.domains.added) lines.push(`    ${paint(io, 'green', `+ ${d}`)}`);
      for (const d of g.domains.removed) lines.push(`    ${paint(io, 'red', `- ${d}`)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
