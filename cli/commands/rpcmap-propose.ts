import type { Command } from 'commander';
import { randomUUID } from 'node:crypto';
import { diffAgainstRules } from '../../rpcmap/diff';
import { apiClientFor, type ChangeView, type WardApiClient } from '../api-client';
import { ExitCode, type CliIo } from '../io';
import { formatOption } from '../options';
import { json, paint } from '../render';
import { loadRuleSet } from '../rule-source';
import {
  addedRules,
  proposalsFrom,
  withoutPending,
  type SkippedFinding,
  type TeamProposal,
} from '../rpcmap-proposals';
import { printWarnings, runScan, scanOptions, type ScanCommandOptions } from './rpcmap-shared';

interface ProposeOptions extends ScanCommandOptions {
  fleet?: string;
  fromTable?: string;
  dryRun: boolean;
  format: string;
}

interface Outcome {
  readonly team: string;
  readonly add: ReturnType<typeof addedRules>;
  readonly justification: string;
  /** The change opened, or null on a dry run. */
  readonly change: ChangeView | null;
}

/**
 * `ward rpcmap propose <root> --fleet DIR`: opens one change request per owning team for the
 * calls the code makes and the rules lack, with the code as the justification.
 */
export function registerRpcmapPropose(
  rpcmap: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  const command = rpcmap
    .command('propose')
    .description(
      'open change requests for the calls in code the rules lack: one per owning team, with the code as evidence',
    )
    .argument('<root>', 'the Go code to scan')
    .option('--fleet <dir>', 'the fleet directory whose rules to compare with')
    .option('--from-table <name>', 'read the rules from the registry table instead')
    .option('--dry-run', 'print the requests it would open, and open none', false)
    .addOption(formatOption());
  for (const option of scanOptions()) command.addOption(option);
  command.action(async (root: string, options: ProposeOptions) => {
    const rules = await loadRuleSet({
      dir: options.fleet,
      fromTable: options.fromTable,
      env: io.env,
    });
    // Credentials are checked before the scan, so a missing login fails in a second, not a minute.
    const client = options.dryRun ? undefined : apiClientFor(io);
    const { result } = await runScan(root, options, io);
    if (options.format !== 'json') printWarnings(io, result);
    const { proposals, skipped } = proposalsFrom(diffAgainstRules(result, rules), rules);

    const outcomes: Outcome[] = [];
    const alreadyRequested: { team: string; what: string; change: string }[] = [];
    for (const found of proposals) {
      const { proposal, already } = client
        ? await leaveOutPending(client, found)
        : { proposal: found, already: [] };
      alreadyRequested.push(...already.map((a) => ({ team: found.team, ...a })));
      if (proposal === undefined) continue;
      const add = addedRules(proposal);
      const change = client
        ? await client.propose(
            { add, justification: proposal.justification },
            `ward-rpcmap-${randomUUID()}`,
          )
        : null;
      outcomes.push({ team: proposal.team, add, justification: proposal.justification, change });
    }

    if (options.format === 'json')
      io.stdout(json({ dryRun: options.dryRun, proposals: outcomes, alreadyRequested, skipped }));
    else io.stdout(report(io, options.dryRun, outcomes, alreadyRequested, skipped));
    done(ExitCode.ok);
  });
}

/** Drops what changes still waiting for this team already ask for. */
async function leaveOutPending(
  client: WardApiClient,
  proposal: TeamProposal,
): Promise<{ proposal?: TeamProposal; already: { what: string; change: string }[] }> {
  const pending = (
    await Promise.all(
      (['proposed', 'approved'] as const).map((state) =>
        client.listChanges({ state, team: proposal.team, limit: 200 }),
      ),
    )
  ).flat();
  const { proposal: rest, alreadyRequested } = withoutPending(proposal, pending);
  return { ...(rest !== undefined ? { proposal: rest } : {}), already: alreadyRequested };
}

function report(
  io: CliIo,
  dryRun: boolean,
  outcomes: readonly Outcome[],
  alreadyRequested: readonly { team: string; what: string; change: string }[],
  skipped: readonly SkippedFinding[],
): string {
  const lines: string[] = [];
  if (outcomes.length === 0 && alreadyRequested.length === 0)
    lines.push(
      `${paint(io, 'green', 'nothing to propose')}: the rules allow every call found in the code`,
    );
  else if (dryRun)
    lines.push(
      `would open ${outcomes.length} change request${outcomes.length === 1 ? '' : 's'} (dry run: nothing was sent)`,
    );
  for (const outcome of outcomes) {
    const rules = [
      ...outcome.add.ingress.map((r) => `+ ingress ${r.from} -> ${r.to}`),
      ...outcome.add.egress.map((r) => `+ egress ${r.service} -> ${r.host}:${r.port}`),
    ];
    const needs = outcome.change?.requiredApprovals
      .map((r) => `${r.approvals} from ${r.team}`)
      .join(', ');
    lines.push(
      '',
      outcome.change === null
        ? `${paint(io, 'bold', outcome.team)}: ${rules.length} rule${rules.length === 1 ? '' : 's'}`
        : `${paint(io, 'green', 'opened')} change ${paint(io, 'bold', outcome.change.id)} for ${outcome.team} (needs ${needs})`,
      ...rules.map((rule) => `  ${rule}`),
      `  justification (${outcome.justification.length} characters):`,
      ...outcome.justification.split('\n').map((line) => `    | ${line}`),
    );
  }
  if (alreadyRequested.length > 0)
    lines.push(
      '',
      'already requested, waiting for approval:',
      ...alreadyRequested.map((a) => `  ${a.what}: change ${a.change} (${a.team})`),
    );
  if (skipped.length > 0)
    lines.push(
      '',
      paint(io, 'yellow', 'not proposed:'),
      ...skipped.map((s) => `  ${s.what}: ${s.reason}`),
    );
  return `${lines.join('\n')}\n`;
}
