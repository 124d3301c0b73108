/** Where a command writes, and what it may know of its surroundings; tests pass their own. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Colour and other niceties only when a person is watching. */
  readonly isTty: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** Resolves when the person asks a long-running command to stop (Ctrl+C, SIGTERM). */
  readonly untilInterrupted: () => Promise<void>;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTty: process.stdout.isTTY === true,
    env: process.env,
    cwd: process.cwd(),
    untilInterrupted: () =>
      new Promise((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      }),
  };
}

/** Exit codes: 0 done, 1 the input was refused, 2 the command line was wrong, 70 a bug. */
export const ExitCode = { ok: 0, refused: 1, usage: 2, internal: 70 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
