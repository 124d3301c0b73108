import { Option } from 'commander';
import type { Evidence, ScanResult } from '../../rpcmap/model';
import { scan, type ScanOutcome } from '../../rpcmap/scan/scan';
import type { CliIo } from '../io';
import { integer } from '../options';
import { paint } from '../render';

/** Options every `ward rpcmap` command takes. */
export interface ScanCommandOptions {
  readonly config?: string;
  readonly cache: boolean;
  readonly jobs?: number;
}

export function scanOptions(): Option[] {
  return [
    new Option('--config <file>', 'rpcmap.yaml to use (default: <root>/rpcmap.yaml if present)'),
    new Option('--no-cache', 'do not read or write the facts cache (<root>/.ward/cache)'),
    new Option('--jobs <n>', 'worker threads (default: one per core)').argParser(
      integer('--jobs', 1, 256),
    ),
  ];
}

/**
 * Runs a scan with a progress bar on stderr when a person is watching a terminal; in CI
 * (`CI` set) or when output is piped, it stays quiet.
 */
export async function runScan(
  root: string,
  options: ScanCommandOptions,
  io: CliIo,
  withInput = false,
): Promise<ScanOutcome> {
  const bar = io.isTty && !io.env.CI ? progressBar(io) : undefined;
  try {
    return await scan({
      root,
      ...(options.config !== undefined ? { configFile: options.config } : {}),
      ...(options.cache ? {} : { cacheDir: false as const }),
      ...(options.jobs !== undefined ? { jobs: options.jobs } : {}),
      ...(bar ? { onProgress: bar.update } : {}),
      withInput,
    });
  } finally {
    bar?.clear();
  }
}

function progressBar(io: CliIo): {
  update: (done: number, total: number) => void;
  clear: () => void;
} {
  let last = 0;
  let shown = false;
  const width = 30;
  return {
    update: (done, total) => {
      const now = Date.now();
      // Redraw at most ten times a second, and only for scans long enough to watch.
      if (now - last < 100 || total < 200) return;
      last = now;
      shown = true;
      const filled = Math.round((done / total) * width);
      io.stderr(
        `\rscanning ${'#'.repeat(filled)}${'-'.repeat(width - filled)} ${done}/${total} files`,
      );
    },
    clear: () => {
      if (shown) io.stderr('\r\x1b[2K');
    },
  };
}

export function location(evidence: Evidence): string {
  return `${evidence.file}:${evidence.line}:${evidence.column}`;
}

/** One evidence line for people: where, what, and how it was recognised. */
export function evidenceLine(io: CliIo, evidence: Evidence): string {
  const via = evidence.via ? `, via ${evidence.via}` : '';
  return `    ${paint(io, 'cyan', location(evidence))}  ${evidence.snippet}  ${paint(io, 'dim', `(${evidence.pattern}${via})`)}\n`;
}

/** Warnings (skipped files, recovered parse errors) for people, on stderr. */
export function printWarnings(io: CliIo, result: ScanResult): void {
  for (const warning of result.warnings) {
    const at = warning.line !== undefined ? `:${warning.line}:${warning.column ?? 0}` : '';
    io.stderr(`${paint(io, 'yellow', 'warning')}: ${warning.file}${at}: ${warning.message}\n`);
  }
}

/** The exact command that asks for a call to be allowed (`ward request`, the approvals issue). */
export function requestCommand(from: string, to: string, evidence: Evidence | undefined): string {
  const where = evidence ? `${evidence.file}:${evidence.line} ` : '';
  const reason = `${where}calls ${to} (found by ward rpcmap)`.replace(/"/g, "'");
  return `ward request --from ${from} --to ${to} --reason "${reason}"`;
}
