import {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { DEFAULT_STATE_DIR, NoRuntimeError, readRuntimeState } from '../local/runtime/state-file';
import type { CliIo } from './io';

/** Where `ward login` keeps the API URL and token, relative to the working directory. */
export const CREDENTIALS_FILE = '.ward/credentials.json';

const CredentialsSchema = z.object({
  apiUrl: z.url({ protocol: /^https?$/ }),
  token: z.string().min(1),
  /** How the token was obtained, for messages: `local` (minted by the local issuer) or `given`. */
  source: z.enum(['local', 'given']).default('given'),
});
export type Credentials = z.infer<typeof CredentialsSchema>;

/** No token or no API URL: the person has to log in (or set the variables) first. */
export class NotLoggedInError extends Error {
  override readonly name = 'NotLoggedInError';
}

/** What the commands talk to, and where that came from (for the messages when it fails). */
export interface ApiTarget {
  readonly apiUrl: string;
  readonly token: string;
  /** Where the token came from. */
  readonly from: 'environment' | 'credentials';
}

const LOGIN_HINT =
  'run "ward login --as you@bank.example --team TEAM --mfa" against a local runtime (npm start), ' +
  '"ward login --token T --api-url URL" for a deployed Ward, or set WARD_API_URL and WARD_TOKEN';

export function credentialsPath(io: CliIo): string {
  return join(io.cwd, CREDENTIALS_FILE);
}

/** The stored credentials, or undefined when nobody logged in here; a damaged file is an error. */
export function readCredentials(io: CliIo): Credentials | undefined {
  const file = credentialsPath(io);
  if (!existsSync(file)) return undefined;
  const parsed = CredentialsSchema.safeParse(safeJson(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new NotLoggedInError(
      `${file} is not what "ward login" writes (${parsed.error.issues[0]?.message ?? 'invalid'}); run "ward logout", then log in again`,
    );
  return parsed.data;
}

/**
 * Stores credentials readable by the owner only. The file is written under another name with
 * mode 0600 and renamed into place, so the token is never briefly world-readable and a crash
 * never leaves half a file.
 */
export function writeCredentials(io: CliIo, credentials: Credentials): string {
  const file = credentialsPath(io);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  // The mode given to writeFileSync is filtered by the umask; say it once more, exactly.
  chmodSync(partial, 0o600);
  renameSync(partial, file);
  return file;
}

/** Removes stored credentials; true when there were some. */
export function removeCredentials(io: CliIo): boolean {
  const file = credentialsPath(io);
  const existed = existsSync(file);
  rmSync(file, { force: true });
  return existed;
}

/**
 * The API URL and token for a command: `WARD_API_URL` and `WARD_TOKEN` first (CI, scripts),
 * then what `ward login` stored; without a URL anywhere, a local runtime running here. Each
 * is taken separately, so `WARD_TOKEN` alone works against the stored or local API.
 */
export function resolveApiTarget(io: CliIo): ApiTarget {
  const envUrl = nonEmpty(io.env.WARD_API_URL);
  const envToken = nonEmpty(io.env.WARD_TOKEN);
  const stored = envUrl !== undefined && envToken !== undefined ? undefined : readCredentials(io);
  const token = envToken ?? stored?.token;
  if (token === undefined)
    throw new NotLoggedInError(`no token to call the Ward API with: ${LOGIN_HINT}`);
  const apiUrl = envUrl ?? stored?.apiUrl ?? localApiUrl(io);
  if (apiUrl === undefined)
    throw new NotLoggedInError(`no Ward API URL: set WARD_API_URL or ${LOGIN_HINT}`);
  return {
    apiUrl,
    token,
    from: envToken !== undefined ? 'environment' : 'credentials',
  };
}

/** The HTTP API of a local runtime running in this directory, if there is one. */
function localApiUrl(io: CliIo): string | undefined {
  try {
    return readRuntimeState(join(io.cwd, DEFAULT_STATE_DIR)).apiUrl ?? undefined;
  } catch (error) {
    // No runtime here is the ordinary case; the caller says what to do about the missing URL.
    if (error instanceof NoRuntimeError) return undefined;
    throw error;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
