import { createInterface } from 'node:readline';
import type { CliIo } from './io';

/** Asks a person a yes/no question; resolves false for anything but yes. */
export type Confirm = (question: string) => Promise<boolean>;

/**
 * A confirmation from the person at the terminal, or undefined when nobody can answer (output
 * or input is not a terminal): the caller then refuses rather than assume a yes.
 */
export function terminalConfirm(io: CliIo): Confirm | undefined {
  if (!io.isTty || process.stdin.isTTY !== true) return undefined;
  return (question) =>
    new Promise((resolve) => {
      const lines = createInterface({ input: process.stdin, terminal: false });
      io.stderr(`${question} [y/N] `);
      lines.once('line', (answer) => {
        lines.close();
        resolve(/^y(es)?$/i.test(answer.trim()));
      });
      // Ctrl+D answers no.
      lines.once('close', () => resolve(false));
    });
}
