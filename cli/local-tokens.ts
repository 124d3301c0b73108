import { join } from 'node:path';
import { approvalConfig } from '../lambdas/contracts/approval-config';
import { LocalIssuer } from '../local/apigateway/local-issuer';
import { ISSUER_KEY_FILE, readRuntimeState, type RuntimeState } from '../local/runtime/state-file';
import { readFleet } from './fleet/read-fleet';
import type { CliIo } from './io';
import { stateDirOf } from './local-admin';
import { UsageError } from './rule-source';

/** Who a token minted by the local issuer speaks for, and how it was authenticated. */
export interface LocalTokenRequest {
  readonly principal: string;
  /** Teams of the fleet the runtime was seeded with: each adds its identity-provider group. */
  readonly teams: readonly string[];
  readonly groups: readonly string[];
  readonly mfa: boolean;
  /** A service's token rather than a person's: it may propose but never approve. */
  readonly service: boolean;
  readonly issuer?: string;
  readonly audience?: string;
  readonly expiresInSeconds: number;
  readonly groupsClaim?: string;
}

/**
 * Mints a JWT with the running local runtime's issuer key, as the company IdP would sign it
 * for the person (or service), and returns it with the runtime it is meant for. Shared by
 * `ward local token` and `ward login`, so both say the same about who the caller is.
 */
export async function mintLocalToken(
  io: CliIo,
  request: LocalTokenRequest,
): Promise<{ token: string; state: RuntimeState }> {
  const state = readRuntimeState(stateDirOf(io));
  const authorizer = state.authorizers[0];
  const issuer = request.issuer ?? authorizer?.issuer;
  const audience = request.audience ?? authorizer?.audience[0];
  if (issuer === undefined || audience === undefined) {
    throw new UsageError('the running stack has no JWT authorizer; give --issuer and --audience');
  }
  // The claim names the approval functions read by default; a stage that renames them would
  // need the same names here.
  const claims = approvalConfig();
  const groups = [...request.groups, ...(await groupsOfTeams(request.teams, state.fleetDir))];
  const issuerKey = await LocalIssuer.loadOrCreate(join(stateDirOf(io), ISSUER_KEY_FILE));
  const token = await issuerKey.sign({
    principal: request.principal,
    issuer,
    audience,
    groups,
    groupsClaim: request.groupsClaim ?? claims.groupsClaim,
    amr: request.mfa ? ['pwd', 'mfa'] : ['pwd'],
    expiresInSeconds: request.expiresInSeconds,
    extraClaims: {
      [claims.identityTypeClaim]: request.service ? 'service' : 'person',
    },
  });
  return { token, state };
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

/** `30s`, `15m`, `1h`, `1d` as seconds; anything else is a usage error naming the option. */
export function durationSeconds(duration: string, option = '--expires'): number {
  const match = /^(\d+)([smhd])$/.exec(duration);
  if (match === null || Number(match[1]) === 0)
    throw new UsageError(`${option} must look like 30s, 15m, 1h or 1d, not "${duration}"`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as 's' | 'm' | 'h' | 'd'];
}

/** Repeatable commander options collect into a list. */
export const collect = (value: string, previous: string[]): string[] => [...previous, value];
