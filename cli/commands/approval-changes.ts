import { Option, type Command } from 'commander';
import { CHANGE_STATES, type ChangeState } from '../../lambdas/core/approvals/change-request';
import { apiClientFor, type ChangeView, type WardApiClient, type WhoAmI } from '../api-client';
import { changesTable } from '../approval-render';
import { ExitCode, type CliIo } from '../io';
import { formatOption, integer } from '../options';
import { json } from '../render';
import { UsageError } from '../rule-source';

interface ChangesOptions {
  toApprove: boolean;
  mine: boolean;
  state?: ChangeState;
  team?: string;
  limit: number;
  format: string;
}

/**
 * The changes a person could approve now: waiting, proposed by someone else, not yet approved
 * by them, and still missing approvals from a team they are in. Pure, so it is tested alone.
 */
export function awaitingApprovalBy(me: WhoAmI, changes: readonly ChangeView[]): ChangeView[] {
  const seen = new Set<string>();
  return changes
    .filter((view) => {
      if (seen.has(view.id)) return false;
      seen.add(view.id);
      return (
        view.state === 'proposed' &&
        view.proposer !== me.principal &&
        !view.approvals.some((a) => a.principal === me.principal) &&
        view.missingApprovals.some((m) => me.teams.includes(m.team))
      );
    })
    .sort((a, b) => a.expiresAt.localeCompare(b.expiresAt));
}

/** Asks per team the caller is in (the API lists by one team at a time), then merges. */
async function toApprove(
  client: WardApiClient,
  options: ChangesOptions,
): Promise<{ me: WhoAmI; changes: ChangeView[] }> {
  const me = await client.whoami();
  const teams =
    options.team === undefined ? me.teams : me.teams.filter((team) => team === options.team);
  const lists = await Promise.all(
    teams.map((team) => client.listChanges({ state: 'proposed', team, limit: options.limit })),
  );
  return { me, changes: awaitingApprovalBy(me, lists.flat()) };
}

/** `ward changes`: change requests, or the ones waiting for the caller's approval. */
export function registerApprovalChanges(
  program: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  program
    .command('changes')
    .description('list change requests: all, yours, or those waiting for your approval')
    .option('--to-approve', 'only changes that need the approval of a team you are in', false)
    .option('--mine', 'only changes you proposed', false)
    .addOption(new Option('--state <state>', 'only changes in this state').choices(CHANGE_STATES))
    .option('--team <team>', 'only changes that need this team’s approval')
    .option(
      '--limit <n>',
      'at most this many (per team with --to-approve)',
      integer('--limit', 1, 200),
      50,
    )
    .addOption(formatOption())
    .action(async (options: ChangesOptions) => {
      if (options.toApprove && options.mine)
        throw new UsageError(
          '--to-approve and --mine exclude each other: nobody approves their own change',
        );
      if (options.toApprove && options.state !== undefined && options.state !== 'proposed')
        throw new UsageError('--to-approve lists proposed changes only; leave out --state');
      const client = apiClientFor(io);
      if (options.toApprove) {
        const { me, changes } = await toApprove(client, options);
        if (options.format === 'json') io.stdout(json({ changes }));
        else if (changes.length > 0) io.stdout(changesTable(changes));
        else
          io.stdout(
            me.teams.length === 0
              ? `nothing to approve: ${me.principal} is in no team of the rule set (groups: ${me.groups.join(', ') || 'none'})\n`
              : `nothing waits for your approval (your teams: ${me.teams.join(', ')})\n`,
          );
        done(ExitCode.ok);
        return;
      }
      const changes = await client.listChanges({
        ...(options.state !== undefined ? { state: options.state } : {}),
        ...(options.team !== undefined ? { team: options.team } : {}),
        mine: options.mine,
        limit: options.limit,
      });
      if (options.format === 'json') io.stdout(json({ changes }));
      else io.stdout(changes.length > 0 ? changesTable(changes) : 'no changes\n');
      done(ExitCode.ok);
    });
}
