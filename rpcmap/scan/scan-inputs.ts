import { readFileSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { goModulePath } from '../analyse-tree';
import type { ManifestText } from '../manifests';
import type { ScanWarning } from '../model';
import type { GoModule } from '../resolve/program';
import { errorCode, type WalkedFile } from './walk';

/** What a scan reads besides Go files: the modules' paths and the manifests' text. */

export function readModules(goMods: readonly WalkedFile[], warnings: ScanWarning[]): GoModule[] {
  const modules: GoModule[] = [];
  for (const goMod of goMods) {
    try {
      const path = goModulePath(readFileSync(goMod.absolute, 'utf8'));
      const dir = goMod.path.includes('/') ? goMod.path.slice(0, goMod.path.lastIndexOf('/')) : '';
      if (path) modules.push({ path, dir });
      else warnings.push({ file: goMod.path, message: 'declares no module path; ignored' });
    } catch (error) {
      warnings.push({ file: goMod.path, message: `cannot read this file (${errorCode(error)})` });
    }
  }
  return modules;
}

export function readManifestFiles(
  root: string,
  entries: readonly string[],
  warnings: ScanWarning[],
): ManifestText[] {
  const found: string[] = [];
  const visit = (absolute: string) => {
    const info = statSync(absolute, { throwIfNoEntry: false });
    if (info?.isDirectory()) {
      for (const entry of readdirSync(absolute, { recursive: true, withFileTypes: true })) {
        if (entry.isFile() && /\.ya?ml$/.test(entry.name))
          found.push(join(entry.parentPath, entry.name));
      }
    } else if (info?.isFile()) found.push(absolute);
    else
      warnings.push({
        file: relative(root, absolute),
        message: 'no such manifest file or directory',
      });
  };
  for (const entry of entries) visit(resolve(root, entry));
  const manifests: ManifestText[] = [];
  for (const absolute of found.sort()) {
    const path = relative(root, absolute).split(sep).join('/');
    try {
      manifests.push({ path, text: readFileSync(absolute, 'utf8') });
    } catch (error) {
      warnings.push({ file: path, message: `cannot read this manifest (${errorCode(error)})` });
    }
  }
  return manifests;
}

/** A path for a warning: relative to the root when it is inside it. */
export function shown(root: string, path: string): string {
  if (!isAbsolute(path)) return path;
  const inside = relative(root, path);
  return inside.startsWith('..') || isAbsolute(inside) ? path : inside.split(sep).join('/');
}
