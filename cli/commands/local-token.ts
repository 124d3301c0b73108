import type { Command } from 'commander';
import { ExitCode, type CliIo } from '../io';
import { collect, durationSeconds, mintLocalToken } from '../local-tokens';

interface TokenOptions {
  team: string[];
  group: string[];
  mfa: boolean;
  service: boolean;
  issuer?: string;
  audience?: string;
  expires: string;
  groupsClaim: string;
}

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
    .option(
      '--service',
      'a service’s token (identity_type "service"), which may not approve; default: a person’s',
      false,
    )
    .option('--issuer <url>', 'iss (default: the running stack’s authorizer)')
    .option('--audience <aud>', 'aud (default: the running stack’s authorizer)')
    .option('--expires <duration>', 'lifetime, e.g. 15m, 1h', '1h')
    .option('--groups-claim <name>', 'claim that carries the groups', 'groups')
    .action(async (principal: string, options: TokenOptions) => {
      const { token } = await mintLocalToken(io, {
        principal,
        teams: options.team,
        groups: options.group,
        mfa: options.mfa,
        service: options.service,
        ...(options.issuer !== undefined ? { issuer: options.issuer } : {}),
        ...(options.audience !== undefined ? { audience: options.audience } : {}),
        expiresInSeconds: durationSeconds(options.expires),
        groupsClaim: options.groupsClaim,
      });
      io.stdout(`${token}\n`);
      done(ExitCode.ok);
    });
}
