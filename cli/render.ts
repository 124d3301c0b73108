import { styleText } from 'node:util';
import type { CliIo } from './io';

type Style = Parameters<typeof styleText>[0];

/** Styles text for a terminal, and leaves it plain for pipes and files. */
export function paint(io: CliIo, style: Style, text: string): string {
  return io.isTty ? styleText(style, text) : text;
}

/** A left-aligned table with a header row, for people. */
export function table(
  headers: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const cells = [headers, ...rows].map((row) => row.map(String));
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return cells
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
    .concat('\n');
}

export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
