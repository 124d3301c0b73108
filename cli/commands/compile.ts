import type { Command } from 'commander';
import {
  compileBundle,
  MANIFEST_PATH,
  type BundleManifest,
} from '../../lambdas/core/compile/bundle';
import { isEmptyOrHolds, replaceDirectory } from '../fleet/write-dir';
import { ExitCode, type CliIo } from '../io';
import { formatOption } from '../options';
import { json, paint, table } from '../render';
import { loadRuleSet } from '../rule-source';

interface CompileCommandOptions {
  out: string;
  fromTable?: string;
  podLabelKey?: string;
  format: string;
}

/** `ward compile`: rules in, bundle out; nothing is written unless everything compiles. */
export function registerCompile(program: Command, io: CliIo, done: (code: ExitCode) => void): void {
  program
    .command('compile')
    .description(
      'compile a fleet (or the registry) into NetworkPolicies, Cilium, Vault, WAF and DNS Firewall policies',
    )
    .argument('[dir]', 'fleet directory')
    .requiredOption('--out <dir>', 'bundle directory (new, empty, or an earlier bundle)')
    .option('--from-table <name>', 'compile the rule registry table instead of a directory')
    .option(
      '--pod-label-key <key>',
      'pod label carrying the service name',
      'app.kubernetes.io/name',
    )
    .addOption(formatOption())
    .action(async (dir: string | undefined, options: CompileCommandOptions) => {
      const ruleSet = await loadRuleSet({ dir, fromTable: options.fromTable, env: io.env });
      const started = performance.now();
      const bundle = compileBundle(ruleSet, { podLabelKey: options.podLabelKey });
      const compileMs = performance.now() - started;
      await replaceDirectory(options.out, bundle.files, isEmptyOrHolds(MANIFEST_PATH));
      io.stdout(
        options.format === 'json'
          ? json({
              out: options.out,
              compileMs: Math.round(compileMs),
              manifest: withoutFiles(bundle.manifest),
            })
          : describeBundle(
              io,
              dir ?? `table ${options.fromTable}`,
              options.out,
              bundle.manifest,
              compileMs,
            ),
      );
      done(ExitCode.ok);
    });
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The manifest less its long lists (every file's hash, every edge), which the bundle holds. */
function withoutFiles({ files: _files, edges: _edges, ...rest }: BundleManifest) {
  return rest;
}

function describeBundle(
  io: CliIo,
  source: string,
  out: string,
  manifest: BundleManifest,
  ms: number,
): string {
  const count = (pattern: RegExp) =>
    Object.keys(manifest.files).filter((p) => pattern.test(p)).length;
  const { summary } = manifest;
  const lines = [
    `${paint(io, 'green', 'valid')} ${source}: ${plural(summary.services, 'service')}, ${plural(summary.ingressEdges, 'ingress edge')}, ` +
      `${plural(summary.egressRules, 'egress rule')}, ${plural(summary.grants, 'grant')}`,
    `${paint(io, 'green', 'compiled')} rule set v${manifest.ruleSetVersion} into ${out} in ${ms.toFixed(0)} ms`,
    '',
    table(
      ['what', 'count'],
      [
        [
          'services',
          `${summary.services} (${summary.enforced} enforced, ${summary.observed} observe)`,
        ],
        ['namespaces', summary.namespaces],
        ['ingress edges', summary.ingressEdges],
        ['egress rules', summary.egressRules],
        ['vault grants', summary.grants],
        ['NetworkPolicies', count(/\.(ingress|egress|observe)\.yaml$|ward-default-deny\.yaml$/)],
        ['CiliumNetworkPolicies', count(/\.fqdn-egress\.yaml$/)],
        ['Vault policies', count(/^vault\//)],
        ['WAF web ACLs', count(/^waf\//)],
        ['DNS Firewall rule groups', summary.workloadGroups],
        ['files', summary.files],
      ],
    ).trimEnd(),
    '',
    `bundle sha256 ${manifest.bundleSha256}`,
    `rules  sha256 ${manifest.rulesSha256}`,
  ];
  if (manifest.observe.length > 0) {
    lines.push('', paint(io, 'yellow', 'observe (policies written, not yet enforced):'));
    for (const observed of manifest.observe) {
      const { callers, callees, egress } = observed.wouldAllowOnly;
      lines.push(
        `  ${observed.service}: enforcing would admit only ${plural(callers.length, 'caller')} ` +
          `and let it reach only ${plural(callees.length, 'callee')} and ${plural(egress.length, 'internet host')}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
