import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../cli/io';
import { runWard } from '../../cli/run';

export interface WardRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a `ward` command line in-process, capturing what it prints. */
export async function ward(
  args: readonly string[],
  env: Record<string, string | undefined> = process.env,
  untilInterrupted: () => Promise<void> = () => Promise.resolve(),
  cwd: string = process.cwd(),
): Promise<WardRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    isTty: false,
    env,
    cwd,
    untilInterrupted,
  };
  const code = await runWard(args, io);
  return { code, stdout, stderr };
}

export function tempDir(prefix = 'ward-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export const EXAMPLE_FLEET = join(__dirname, '../../examples/fleet');
