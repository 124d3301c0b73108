import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export class OutputDirectoryError extends Error {
  override readonly name = 'OutputDirectoryError';
}

/**
 * Writes `files` as the whole content of `outDir`, atomically: everything goes to a sibling
 * temporary directory first and is swapped in with renames, so a failure leaves the old
 * content (or nothing) and never a mixture. `isReplaceable` guards what may be replaced, so a
 * mistyped `--out` cannot wipe an unrelated directory.
 */
export async function replaceDirectory(
  outDir: string,
  files: ReadonlyMap<string, string>,
  isReplaceable: (dir: string) => boolean,
): Promise<void> {
  if (existsSync(outDir) && !isReplaceable(outDir)) {
    throw new OutputDirectoryError(
      `${outDir} exists and is not one of Ward's output directories; choose a new or empty directory`,
    );
  }
  const stamp = `${process.pid}-${Date.now()}`;
  const staging = `${outDir}.tmp-${stamp}`;
  const previous = `${outDir}.old-${stamp}`;
  await mkdir(dirname(outDir), { recursive: true });
  try {
    const dirs = new Set([...files.keys()].map((path) => dirname(join(staging, path))));
    await Promise.all([...dirs].map((dir) => mkdir(dir, { recursive: true })));
    await writeAll(staging, files);
    const hadPrevious = existsSync(outDir);
    if (hadPrevious) await rename(outDir, previous);
    try {
      await rename(staging, outDir);
    } catch (error) {
      if (hadPrevious) await rename(previous, outDir);
      throw error;
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
    await rm(previous, { recursive: true, force: true });
  }
}

/** Writes in bounded batches: thousands of small files at once would exhaust descriptors. */
async function writeAll(root: string, files: ReadonlyMap<string, string>): Promise<void> {
  const entries = [...files.entries()];
  const batch = 64;
  for (let i = 0; i < entries.length; i += batch) {
    await Promise.all(
      entries.slice(i, i + batch).map(([path, text]) => writeFile(join(root, path), text)),
    );
  }
}

/** True for a directory that is empty or holds the marker file Ward writes into its outputs. */
export function isEmptyOrHolds(marker: string): (dir: string) => boolean {
  return (dir) => {
    // An unreadable directory is not replaceable: the caller then refuses to touch it.
    try {
      return existsSync(join(dir, marker)) || readdirSync(dir).length === 0;
    } catch {
      return false;
    }
  };
}
