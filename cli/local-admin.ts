import { join } from 'node:path';
import {
  DEFAULT_STATE_DIR,
  readRuntimeState,
  type RuntimeState,
} from '../local/runtime/state-file';
import type { CliIo } from './io';

/** The state directory of the local runtime for a command run in `io.cwd`. */
export function stateDirOf(io: CliIo): string {
  return join(io.cwd, DEFAULT_STATE_DIR);
}

/** Asks the running local runtime (found through its state file) one of its `/_ward/` questions. */
export async function askRuntime<T>(
  io: CliIo,
  path: string,
  query: Record<string, string | number> = {},
): Promise<{ state: RuntimeState; answer: T }> {
  const state = readRuntimeState(stateDirOf(io));
  const url = new URL(`/_ward/${path}`, state.awsEndpoint);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, String(value));
  const response = await fetch(url, { signal: AbortSignal.timeout(90_000) });
  if (!response.ok)
    throw new Error(`the local runtime answered ${response.status} to ${url.pathname}`);
  return { state, answer: (await response.json()) as T };
}
