import type { Command } from 'commander';
import { apiClientFor } from '../api-client';
import { ExitCode, type CliIo } from '../io';
import { formatOption } from '../options';
import { json, paint } from '../render';
import type { PipelineView } from '../../lambdas/core/promotion/pipeline-view';

/** `ward pipeline`: each stage's bundle, and what is in flight or waiting at the gate. */
export function registerPipeline(
  program: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  program
    .command('pipeline')
    .description('show each stage’s bundle version and what is being promoted, Concourse-style')
    .addOption(formatOption())
    .action(async (options: { format: string }) => {
      const view = await apiClientFor(io).pipeline();
      io.stdout(options.format === 'json' ? json(view) : render(io, view));
      done(ExitCode.ok);
    });
}

const STATUS_COLOUR = {
  deployed: 'green',
  applying: 'yellow',
  failed: 'red',
  empty: 'dim',
} as const;

function render(io: CliIo, view: PipelineView): string {
  const lines = [
    view.stages
      .map((s) => {
        const version = s.version === null ? 'none' : `v${s.version}`;
        return `${paint(io, 'bold', s.name)} ${paint(io, STATUS_COLOUR[s.status], `[${version} ${s.status}]`)}`;
      })
      .join('  ->  '),
    '',
  ];
  if (view.pending.length === 0) lines.push('nothing in flight');
  else {
    lines.push('in flight:');
    for (const p of view.pending) {
      const hint =
        p.status === 'waiting-approval'
          ? `  (ward promote approve ${p.id} --stage ${p.stage})`
          : '';
      lines.push(
        `  ${p.stage.padEnd(5)} v${String(p.version).padEnd(5)} ${p.status.padEnd(17)} ${p.id}${hint}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
