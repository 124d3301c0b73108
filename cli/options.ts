import { InvalidArgumentError, Option } from 'commander';

/** `--format`, the same on every command: text for people, json for machines. */
export function formatOption(choices: readonly string[] = ['text', 'json']): Option {
  return new Option('--format <format>', 'output format').choices(choices).default(choices[0]);
}

/** A commander argument parser for whole numbers within bounds, with a clear refusal. */
export function integer(name: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!/^-?[0-9]+$/.test(value) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(
        `${name} must be a whole number from ${min} to ${max}, not "${value}"`,
      );
    }
    return parsed;
  };
}
