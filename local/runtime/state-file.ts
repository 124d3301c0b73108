import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** Where a running local runtime says where it is, for the other `ward local` commands. */
export const DEFAULT_STATE_DIR = '.ward/local';
const STATE_FILE = 'runtime.json';
export const ISSUER_KEY_FILE = 'issuer-key.json';

const RuntimeStateSchema = z.object({
  pid: z.number(),
  startedAt: z.string(),
  apiUrl: z.string().nullable(),
  awsEndpoint: z.string(),
  dynamoDbEndpoint: z.string(),
  /** The JWT authorizers of the running stack: what a token must say to be accepted. */
  authorizers: z.array(z.object({ issuer: z.string(), audience: z.array(z.string()) })),
  /** The fleet the runtime was seeded with, for mapping teams to identity-provider groups. */
  fleetDir: z.string().nullable(),
  registryTable: z.string().nullable(),
});
export type RuntimeState = z.infer<typeof RuntimeStateSchema>;

export class NoRuntimeError extends Error {
  override readonly name = 'NoRuntimeError';
}

export function writeRuntimeState(stateDir: string, state: RuntimeState): void {
  mkdirSync(stateDir, { recursive: true });
  writeFileSync(join(stateDir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}

export function removeRuntimeState(stateDir: string): void {
  rmSync(join(stateDir, STATE_FILE), { force: true });
}

/** The running runtime's state; a missing or stale file is a clear "nothing is running". */
export function readRuntimeState(stateDir: string): RuntimeState {
  const file = join(stateDir, STATE_FILE);
  if (!existsSync(file))
    throw new NoRuntimeError(
      `no local runtime is running here (no ${file}); start one with "npm start"`,
    );
  const state = RuntimeStateSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  try {
    process.kill(state.pid, 0);
  } catch {
    throw new NoRuntimeError(
      `the local runtime recorded in ${file} (pid ${state.pid}) is no longer running; start one with "npm start"`,
    );
  }
  return state;
}
