/**
 * Runs `process` on the whole batch and, if it throws, on each half in turn, down to single
 * items, as Lambda's BisectBatchOnFunctionError does for streams: one item that cannot be
 * processed (or a batch too large for one transaction) fails only itself, and the others are
 * done once. Returns the items that failed on their own, with why, for the caller to hand back
 * (SQS redelivers them, then dead-letters them); nothing is dropped.
 */
export async function bisectBatch<T>(
  items: readonly T[],
  process: (batch: readonly T[]) => Promise<void>,
): Promise<{ readonly item: T; readonly error: unknown }[]> {
  if (items.length === 0) return [];
  try {
    await process(items);
    return [];
  } catch (error) {
    if (items.length === 1) return [{ item: items[0] as T, error }];
    const middle = Math.ceil(items.length / 2);
    return [
      ...(await bisectBatch(items.slice(0, middle), process)),
      ...(await bisectBatch(items.slice(middle), process)),
    ];
  }
}
