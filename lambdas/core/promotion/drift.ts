/**
 * Drift: what a target reports it holds, compared with the file hashes of the bundle the
 * stage recorded (`bundle.json`'s `files`). Pure, so the scheduled check and its tests agree.
 */

export interface DriftReport {
  readonly inSync: boolean;
  /** Files the bundle has and the target does not. */
  readonly missing: readonly string[];
  /** Files the target has and the bundle does not: someone added them by hand. */
  readonly unexpected: readonly string[];
  readonly changed: readonly {
    readonly path: string;
    readonly expected: string;
    readonly reported: string;
  }[];
}

/**
 * Compares expected and reported SHA-256s by path. `ownedPrefixes` limits the expected side to
 * the files this target is responsible for (e.g. `waf/`); a reported file outside them is
 * still unexpected, since a target should not hold anything Ward did not put there.
 */
export function compareWithTarget(
  expected: Readonly<Record<string, string>>,
  reported: Readonly<Record<string, string>>,
  ownedPrefixes?: readonly string[],
): DriftReport {
  const owned = (path: string) =>
    ownedPrefixes === undefined || ownedPrefixes.some((p) => path.startsWith(p));
  const normal = (hash: string) => hash.trim().toLowerCase();
  const missing: string[] = [];
  const changed: { path: string; expected: string; reported: string }[] = [];
  for (const path of Object.keys(expected).filter(owned).sort()) {
    const want = normal(expected[path] ?? '');
    const got = Object.hasOwn(reported, path) ? normal(reported[path] ?? '') : undefined;
    if (got === undefined) missing.push(path);
    else if (got !== want) changed.push({ path, expected: want, reported: got });
  }
  const unexpected = Object.keys(reported)
    .filter((path) => !Object.hasOwn(expected, path) || !owned(path))
    .sort();
  return {
    inSync: missing.length + unexpected.length + changed.length === 0,
    missing,
    unexpected,
    changed,
  };
}

/** One line for the `promotion.drift` event and the page: counts and the first paths. */
export function describeDrift(stage: string, report: DriftReport): string {
  if (report.inSync) return `${stage}: in sync with its recorded bundle`;
  const parts = [
    report.changed.length > 0
      ? `${report.changed.length} changed (${preview(report.changed.map((c) => c.path))})`
      : '',
    report.missing.length > 0
      ? `${report.missing.length} missing (${preview(report.missing)})`
      : '',
    report.unexpected.length > 0
      ? `${report.unexpected.length} unexpected (${preview(report.unexpected)})`
      : '',
  ].filter((p) => p !== '');
  return `${stage}: drifted from its recorded bundle: ${parts.join(', ')}`;
}

function preview(paths: readonly string[]): string {
  return paths.length <= 3 ? paths.join(', ') : `${paths.slice(0, 3).join(', ')}, ...`;
}
