import type { Command } from 'commander';
import type { GrantOutcome } from '../../lambdas/core/break-glass/use-cases/grants';
import { describeTarget } from '../../lambdas/core/break-glass/grant';
import { callBreakGlass, parseDuration } from '../break-glass-client';
import { ExitCode, type CliIo } from '../io';
import { formatOption } from '../options';
import { json } from '../render';

interface GrantOptions {
  from?: string;
  fromCidr?: string;
  endpoint?: string;
  to?: string;
  egress?: string;
  workloadGroup?: string;
  fromNamespace?: string;
  toNamespace?: string;
  port?: string;
  duration?: string;
  incident?: string;
  reason?: string;
  stage: string;
  function?: string;
  token?: string;
  format: string;
}

/** Options every break-glass command shares: which stage's function, and whose token. */
export function breakGlassOptions(command: Command): Command {
  return command
    .option('--stage <stage>', 'the stage whose break-glass function to call', 's101')
    .option('--function <name>', 'the function to invoke (default: ward-break-glass-<stage>)')
    .option(
      '--token <jwt>',
      'your identity token (default: WARD_TOKEN, then what ward login stored)',
    );
}

/** `ward break-glass grant`: emergency network access, paged at once, ending by itself. */
export function registerBreakGlassGrant(
  parent: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  breakGlassOptions(
    parent
      .command('grant')
      .description(
        'open emergency access: --from A --to B, --from A --egress HOST, or --from-cidr CIDR --endpoint NAME',
      )
      .option('--from <service>', 'the service that needs to connect')
      .option('--to <service>', 'the service it must reach')
      .option('--egress <host[:port]>', 'the internet host it must reach (default port 443)')
      .option(
        '--workload-group <name>',
        'with --egress: also allow the host in this workload group’s DNS Firewall (VPCs outside Kubernetes)',
      )
      .option(
        '--from-cidr <cidr>',
        'inbound: let this source (IPv4 up to /16, IPv6 up to /48) through --endpoint’s WAF',
      )
      .option('--endpoint <name>', 'with --from-cidr: the public endpoint whose web ACL lets it in')
      .option('--from-namespace <ns>', 'the caller’s namespace (default: its name with "." as "-")')
      .option('--to-namespace <ns>', 'the callee’s namespace (default: its name with "." as "-")')
      .option('--port <port>', 'only this TCP port')
      .option(
        '--duration <duration>',
        'how long, e.g. 30m (default 1h; at most the stage’s maximum)',
      )
      .option('--incident <ref>', 'the incident this is for, e.g. INC-123 (required)')
      .option('--reason <text>', 'what is broken (required)'),
  )
    .addOption(formatOption())
    .action(async (options: GrantOptions) => {
      const outcome = await callBreakGlass<GrantOutcome>(io, options, {
        action: 'grant',
        ...(options.from !== undefined ? { from: options.from } : {}),
        ...(options.fromCidr !== undefined ? { fromCidr: options.fromCidr } : {}),
        ...(options.endpoint !== undefined ? { endpoint: options.endpoint } : {}),
        ...(options.to !== undefined ? { to: options.to } : {}),
        ...(options.egress !== undefined ? { egress: options.egress } : {}),
        ...(options.workloadGroup !== undefined ? { workloadGroup: options.workloadGroup } : {}),
        ...(options.fromNamespace !== undefined ? { fromNamespace: options.fromNamespace } : {}),
        ...(options.toNamespace !== undefined ? { toNamespace: options.toNamespace } : {}),
        ...(options.port !== undefined ? { port: Number(options.port) } : {}),
        ...(options.duration !== undefined
          ? { durationSeconds: parseDuration(options.duration) }
          : {}),
        ...(options.incident !== undefined ? { incident: options.incident } : {}),
        ...(options.reason !== undefined ? { reason: options.reason } : {}),
      });
      if (options.format === 'json') io.stdout(json(outcome));
      else {
        const { grant } = outcome;
        io.stdout(
          [
            `granted ${grant.id}: ${describeTarget(grant.target)} in ${grant.stage} until ${grant.expiresAt}`,
            ...(grant.dnsFirewall !== undefined
              ? [
                  `  DNS Firewall: ${grant.dnsFirewall.name} allows it in workload group ${grant.dnsFirewall.workloadGroup} (${grant.dnsFirewall.vpcIds.join(', ')})`,
                ]
              : []),
            ...(grant.target.kind === 'inbound'
              ? [
                  `  WAF: ${grant.target.cidr} is in endpoint ${grant.target.endpoint}’s break-glass IP set, allowed before every other rule`,
                ]
              : []),
            `  paged first (message ${outcome.pageMessageId}); audit event ${outcome.audit === 'delivered' ? 'delivered' : 'SPOOLED: the audit bus is down; it is delivered when the bus is back'}`,
            ...(grant.confirmation !== undefined
              ? [
                  `  a second person must confirm by ${grant.confirmation.by}: ward break-glass confirm ${grant.id} --stage ${grant.stage}`,
                ]
              : []),
            `  end it early: ward break-glass revoke ${grant.id} --stage ${grant.stage}`,
            ...outcome.warnings.map((w) => `  warning: ${w}`),
            '',
          ].join('\n'),
        );
      }
      done(ExitCode.ok);
    });
}
