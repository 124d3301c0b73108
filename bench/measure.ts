/** Small helpers every benchmark shares: timing, memory, and a printed table of figures. */

export interface Figure {
  readonly name: string;
  readonly value: string;
  readonly target?: string;
  readonly ok?: boolean;
}

export async function timed<T>(run: () => T | Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await run();
  return { result, ms: performance.now() - started };
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export const ms = (value: number) => `${value.toFixed(0)} ms`;
export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** Peak resident memory of this process so far (the OS's own high-water mark). */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}

export function printFigures(title: string, figures: readonly Figure[]): void {
  const width = Math.max(...figures.map((f) => f.name.length));
  const valueWidth = Math.max(...figures.map((f) => f.value.length));
  console.log(`\n${title}`);
  for (const figure of figures) {
    const verdict = figure.ok === undefined ? '' : figure.ok ? '  ok' : '  TARGET MISSED';
    const target = figure.target ? `  (target ${figure.target})` : '';
    console.log(
      `  ${figure.name.padEnd(width)}  ${figure.value.padStart(valueWidth)}${target}${verdict}`,
    );
  }
}
