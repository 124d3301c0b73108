import type { Command } from 'commander';
import type { ExitCode, CliIo } from '../io';
import { registerBreakGlassAssume } from './break-glass-assume';
import { registerBreakGlassConfirm } from './break-glass-confirm';
import { registerBreakGlassDrill } from './break-glass-drill';
import { registerBreakGlassGrant } from './break-glass-grant';
import { registerBreakGlassList } from './break-glass-list';
import { registerBreakGlassRevoke } from './break-glass-revoke';

/** `ward break-glass ...`: emergency access through the break-glass function, never the approval API. */
export function registerBreakGlass(
  program: Command,
  io: CliIo,
  done: (code: ExitCode) => void,
): void {
  const parent = program
    .command('break-glass')
    .description(
      'emergency access that works with the rest of Ward down: paged, time-boxed, audited',
    );
  registerBreakGlassGrant(parent, io, done);
  registerBreakGlassList(parent, io, done);
  registerBreakGlassRevoke(parent, io, done);
  registerBreakGlassConfirm(parent, io, done);
  registerBreakGlassAssume(parent, io, done);
  registerBreakGlassDrill(parent, io, done);
}
