import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { SERVICE_FILE_NAME, TEAMS_FILE_NAME } from '../../lambdas/core/fleet/fleet-file-schema';
import {
  FleetValidationError,
  parseFleet,
  type FleetProblem,
  type FleetSource,
} from '../../lambdas/core/fleet/fleet-files';
import type { RuleSet } from '../../lambdas/core/rules/rule-set';

/** Folders that never hold a service's own ward.yaml. */
const SKIPPED_DIRS = new Set(['node_modules', 'vendor', 'third_party', 'testdata']);

/**
 * Reads a fleet directory: `teams.yaml` at its root and every `ward.yaml` below it, in path
 * order. Problems (a missing teams file, an unreadable file, anything `parseFleet` finds)
 * come back together as one `FleetValidationError`.
 */
export async function readFleet(dir: string, version = 0): Promise<RuleSet> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new FleetValidationError([
      { file: dir, line: 0, column: 0, message: 'no such fleet directory' },
    ]);
  }
  const problems: FleetProblem[] = [];
  const teamsPath = join(dir, TEAMS_FILE_NAME);
  const teams = await readSource(
    teamsPath,
    problems,
    `every fleet needs ${TEAMS_FILE_NAME} at its root`,
  );
  const services: FleetSource[] = [];
  for (const path of await findServiceFiles(dir)) {
    const source = await readSource(path, problems);
    if (source) services.push(source);
  }
  if (services.length === 0 && problems.length === 0) {
    problems.push({
      file: dir,
      line: 0,
      column: 0,
      message: `no ${SERVICE_FILE_NAME} files found below this directory`,
    });
  }
  if (problems.length > 0 || teams === undefined) throw new FleetValidationError(problems);
  return parseFleet({ teams, services }, version);
}

async function readSource(
  path: string,
  problems: FleetProblem[],
  missing?: string,
): Promise<FleetSource | undefined> {
  try {
    return { path, text: await readFile(path, 'utf8') };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT' && missing ? missing : `cannot read the file (${code ?? String(error)})`;
    problems.push({ file: path, line: 0, column: 0, message });
    return undefined;
  }
}

async function findServiceFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    if (!entry.isFile() || entry.name !== SERVICE_FILE_NAME) continue;
    const path = join(entry.parentPath, entry.name);
    const parts = relative(root, path).split(/[\\/]/);
    if (parts.some((part) => part.startsWith('.') || SKIPPED_DIRS.has(part))) continue;
    found.push(path);
  }
  return found.sort();
}
