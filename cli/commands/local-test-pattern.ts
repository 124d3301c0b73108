import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  InvalidEventPatternError,
  matchesEventPattern,
  parseEventPattern,
} from '../../local/eventbridge/event-pattern';
import { InvalidTestEventError, parseTestEvent } from '../../local/eventbridge/test-event';
import { ExitCode, type CliIo } from '../io';
import { formatOption } from '../options';
import { json } from '../render';

interface TestPatternOptions {
  pattern: string;
  event: string;
  format: string;
}

/** A file that could not be read, named so the person knows which of the two it was. */
class InputFileError extends Error {
  override readonly name = 'InputFileError';
}

/**
 * `ward local test-pattern --pattern P.json --event E.json`: answers as
 * `aws events test-event-pattern` does, `true` or `false`, with no runtime running. A pattern
 * EventBridge would refuse gets EventBridge's message; either way a bad input exits 2.
 */
export function registerLocalTestPattern(
  local: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  local
    .command('test-pattern')
    .description('test an EventBridge event pattern against an event, as TestEventPattern does')
    .requiredOption('--pattern <file>', 'event pattern (JSON)')
    .requiredOption('--event <file>', 'event (JSON, with the EventBridge envelope fields)')
    .addOption(formatOption())
    .action(async (options: TestPatternOptions) => {
      try {
        const [patternText, eventText] = await Promise.all([
          readInput(io, 'pattern', options.pattern),
          readInput(io, 'event', options.event),
        ]);
        const pattern = parseEventPattern(patternText);
        const event = parseTestEvent(eventText);
        const result = matchesEventPattern(pattern, event);
        io.stdout(options.format === 'json' ? json({ Result: result }) : `${result}\n`);
        done(ExitCode.ok);
      } catch (error) {
        if (error instanceof InvalidEventPatternError) {
          io.stderr(`${error.message}\n  (in ${options.pattern}, at ${error.location})\n`);
        } else if (error instanceof InvalidTestEventError) {
          io.stderr(`error: ${options.event}: ${error.message}\n`);
        } else if (error instanceof InputFileError) {
          io.stderr(`error: ${error.message}\n`);
        } else {
          throw error;
        }
        done(ExitCode.usage);
      }
    });
}

async function readInput(io: CliIo, what: string, file: string): Promise<string> {
  try {
    return await readFile(resolve(io.cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new InputFileError(
      `cannot read the ${what} file ${file} (${code}): give the path of a readable JSON file`,
      { cause: error },
    );
  }
}
