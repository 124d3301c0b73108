import { bundleChanges, type BundleChanges } from '../bundle-changes';
import type { TargetBundle } from '../targets';

/** The stored bundles, as `ward bundle show` reads them. */
export interface BundleHistoryPort {
  load(version: number): Promise<TargetBundle>;
  /** The newest version before `version` that has a stored bundle, if any. */
  previousVersion(version: number): Promise<number | undefined>;
}

/** `ward bundle show VERSION`: the bundle against the one stored before it. */
export async function showBundle(
  bundles: BundleHistoryPort,
  version: number,
): Promise<BundleChanges> {
  const current = await bundles.load(version);
  const previous = await bundles.previousVersion(version);
  return bundleChanges(current, previous === undefined ? undefined : await bundles.load(previous));
}
