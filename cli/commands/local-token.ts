import type { Command } from 'commander';
import { join } from 'node:path';
import { LocalIssuer } from '../../local/apigateway/local-issuer';
import { ISSUER_KEY_FILE, readRuntimeState } from '../../local/runtime/state-file';
import { readFleet } from '../fleet/read-fleet';
import { ExitCode, type CliIo } from '../io';
import { stateDirOf } from '../local-admin';
import { UsageError } from '../rule-source';

interface TokenOptions {
  team: string[];
  group: string[];
  mfa: boolean;
  issuer?: string;
  audience?: string;
  expires: string;
  groupsClaim: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

/** `ward local token PRINCIPAL`: a JWT from the local issuer, as the company IdP would sign it. */
export function registerLocalToken(
  local: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  local
    .command('token')
    .description('print a JWT for a test person, signed by the local issuer the runtime trusts')
    .argument('<principal>', 'who the token speaks for (sub), e.g. alice@bank.example')
    .option(
      '--team <team>',
      'a team of the seeded fleet: adds its identity-provider group (repeatable)',
      collect,
      [],
    )
    .option('--group <group>', 'an identity-provider group, as is (repeatable)', collect, [])
    .option('--mfa', 'the person used a second factor (amr carries "mfa")', false)
    .option('--issuer <url>', 'iss (default: the running stack’s authorizer)')
    .option('--audience <aud>', 'aud (default: the running stack’s authorizer)')
    .option('--expires <duration>', 'lifetime, e.g. 15m, 1h', '1h')
    .option('--groups-claim <name>', 'claim that carries the groups', 'groups')
    .action(async (principal: string, options: TokenOptions) => {
      const state = readRuntimeState(stateDirOf(io));
      const authorizer = state.authorizers[0];
      const issuer = options.issuer ?? authorizer?.issuer;
      const audience = options.audience ?? authorizer?.audience[0];
      if (issuer === undefined || audience === undefined) {
        throw new UsageError(
          'the running stack has no JWT authorizer; give --issuer and --audience',
        );
      }
      const groups = [...options.group, ...(await groupsOfTeams(options.team, state.fleetDir))];
      const token = await (
        await LocalIssuer.loadOrCreate(join(stateDirOf(io), ISSUER_KEY_FILE))
      ).sign({
        principal,
        issuer,
        audience,
        groups,
        groupsClaim: options.groupsClaim,
        amr: options.mfa ? ['pwd', 'mfa'] : ['pwd'],
        expiresInSeconds: seconds(options.expires),
      });
      io.stdout(`${token}\n`);
      done(ExitCode.ok);
    });
}

async function groupsOfTeams(teams: readonly string[], fleetDir: string | null): Promise<string[]> {
  if (teams.length === 0) return [];
  if (fleetDir === null)
    throw new UsageError(
      'the runtime was started without a fleet, so --team means nothing; use --group',
    );
  const fleet = await readFleet(fleetDir);
  return teams.map((name) => {
    const team = fleet.teams.find((t) => t.name === name);
    if (team === undefined)
      throw new UsageError(
        `no team "${name}" in ${fleetDir}; teams are: ${fleet.teams.map((t) => t.name).join(', ')}`,
      );
    return team.group;
  });
}

function seconds(duration: string): number {
  const match = /^(\d+)([smhd])$/.exec(duration);
  if (match === null)
    throw new UsageError(`--expires must look like 30s, 15m, 1h or 1d, not "${duration}"`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as 's' | 'm' | 'h' | 'd'];
}
