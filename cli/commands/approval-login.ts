import type { Command } from 'commander';
import { decodeJwt } from 'jose';
import { relative } from 'node:path';
import { WardApiClient, type WhoAmI } from '../api-client';
import { writeCredentials, type Credentials } from '../credentials';
import { ExitCode, type CliIo } from '../io';
import { collect, durationSeconds, mintLocalToken } from '../local-tokens';
import { formatOption } from '../options';
import { json, paint } from '../render';
import { UsageError } from '../rule-source';

interface LoginOptions {
  as?: string;
  team: string[];
  group: string[];
  mfa: boolean;
  service: boolean;
  expires: string;
  token?: string;
  apiUrl?: string;
  format: string;
}

/**
 * The credentials a `ward login` command line gives: as given (`--token`, `--api-url`), or a
 * token minted by the local runtime running here for `--as`.
 */
async function credentialsOf(io: CliIo, options: LoginOptions): Promise<Credentials> {
  const local = options.as !== undefined || options.team.length + options.group.length > 0;
  if (options.token !== undefined || options.apiUrl !== undefined) {
    if (local || options.mfa || options.service)
      throw new UsageError(
        '--token and --api-url store a token from your identity provider as it is; --as, --team, --group, --mfa and --service are for the local runtime',
      );
    if (options.token === undefined || options.apiUrl === undefined || options.token.trim() === '')
      throw new UsageError('give both --token and --api-url');
    if (!/^https?:\/\/[^\s]+$/.test(options.apiUrl))
      throw new UsageError(`--api-url must be an http(s) URL, not "${options.apiUrl}"`);
    return { apiUrl: options.apiUrl, token: options.token.trim(), source: 'given' };
  }
  if (options.as === undefined)
    throw new UsageError(
      'say who to log in as: --as you@bank.example [--team TEAM] [--mfa] (local runtime), or --token T --api-url URL',
    );
  const { token, state } = await mintLocalToken(io, {
    principal: options.as,
    teams: options.team,
    groups: options.group,
    mfa: options.mfa,
    service: options.service,
    expiresInSeconds: durationSeconds(options.expires),
  });
  if (state.apiUrl === null)
    throw new UsageError('the local runtime running here has no HTTP API to log in to');
  return { apiUrl: state.apiUrl, token, source: 'local' };
}

function expiryOf(token: string): string | undefined {
  try {
    const { exp } = decodeJwt(token);
    return exp === undefined ? undefined : new Date(exp * 1000).toISOString();
  } catch {
    // A token that is not a JWT is the API's to judge; only the expiry goes unshown.
    return undefined;
  }
}

function loggedIn(io: CliIo, me: WhoAmI, apiUrl: string, file: string, expiresAt?: string): string {
  const warnings = [
    ...(me.mfa ? [] : ['without a second factor you can propose but not approve (locally: --mfa)']),
    ...(me.personal ? [] : ['a service identity can propose but never approve']),
  ];
  return [
    `${paint(io, 'green', 'logged in')} as ${paint(io, 'bold', me.principal)} to ${apiUrl}`,
    `  teams   ${me.teams.join(', ') || '(none)'}`,
    `  groups  ${me.groups.join(', ') || '(none)'}`,
    `  mfa     ${me.mfa ? 'yes' : 'no'}`,
    ...(expiresAt !== undefined ? [`  until   ${expiresAt}`] : []),
    `  saved   ${file} (readable by you only)`,
    ...warnings.map((w) => `${paint(io, 'yellow', 'note')}: ${w}`),
    '',
  ].join('\n');
}

/** `ward login`: stores the API URL and a token for the other commands. */
export function registerApprovalLogin(
  program: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  program
    .command('login')
    .description('store the API URL and token the approval commands use (.ward/credentials.json)')
    .option('--as <principal>', 'local runtime: who to be, e.g. alice@bank.example')
    .option('--team <team>', 'local runtime: a team of the seeded fleet (repeatable)', collect, [])
    .option(
      '--group <group>',
      'local runtime: an identity-provider group (repeatable)',
      collect,
      [],
    )
    .option('--mfa', 'local runtime: with a second factor (needed to approve)', false)
    .option('--service', 'local runtime: as a service identity, which may not approve', false)
    .option('--expires <duration>', 'local runtime: how long the token lasts, e.g. 1h, 1d', '8h')
    .option('--token <jwt>', 'a token from your identity provider, stored as is')
    .option('--api-url <url>', 'the Ward API the token is for')
    .addOption(formatOption())
    .action(async (options: LoginOptions) => {
      const credentials = await credentialsOf(io, options);
      // Stored only once the API accepts it, so a typo never replaces working credentials.
      const me = await new WardApiClient({ ...credentials, from: 'credentials' }).whoami();
      const file = relative(io.cwd, writeCredentials(io, credentials));
      const expiresAt = expiryOf(credentials.token);
      io.stdout(
        options.format === 'json'
          ? json({ ...me, apiUrl: credentials.apiUrl, expiresAt: expiresAt ?? null, file })
          : loggedIn(io, me, credentials.apiUrl, file, expiresAt),
      );
      done(ExitCode.ok);
    });
}
