import { bisectBatch } from '../../../lambdas/core/audit/bisect-batch';

/** Records each call's batch; throws on any batch holding a poisoned item or larger than `max`. */
function processor(poisoned: ReadonlySet<number>, max = Number.POSITIVE_INFINITY) {
  const calls: number[][] = [];
  const done: number[] = [];
  const process = (batch: readonly number[]) => {
    calls.push([...batch]);
    if (batch.length > max) return Promise.reject(new Error(`too large: ${batch.length}`));
    const bad = batch.find((n) => poisoned.has(n));
    if (bad !== undefined) return Promise.reject(new Error(`poisoned ${bad}`));
    done.push(...batch);
    return Promise.resolve();
  };
  return { process, calls, done };
}

describe('bisectBatch', () => {
  it('given a batch that succeeds, then it is processed once, whole, and nothing fails', async () => {
    const p = processor(new Set());
    expect(await bisectBatch([1, 2, 3], p.process)).toEqual([]);
    expect(p.calls).toEqual([[1, 2, 3]]);
  });

  it('given one poisoned item, then only it fails, with its error, and every other item is done exactly once', async () => {
    const p = processor(new Set([6]));
    const items = Array.from({ length: 10 }, (_, i) => i);
    const failed = await bisectBatch(items, p.process);
    expect(failed.map((f) => f.item)).toEqual([6]);
    expect(String(failed[0]?.error)).toContain('poisoned 6');
    expect([...p.done].sort((a, b) => a - b)).toEqual(items.filter((i) => i !== 6));
    expect(new Set(p.done).size).toBe(p.done.length);
  });

  it('given a batch too large for one go, then it is done in halves small enough, nothing failing', async () => {
    const p = processor(new Set(), 3);
    const items = Array.from({ length: 10 }, (_, i) => i);
    expect(await bisectBatch(items, p.process)).toEqual([]);
    expect([...p.done].sort((a, b) => a - b)).toEqual(items);
  });

  it('given every item failing, then each is reported once and nothing is done', async () => {
    const p = processor(new Set([0, 1, 2]));
    const failed = await bisectBatch([0, 1, 2], p.process);
    expect(failed.map((f) => f.item)).toEqual([0, 1, 2]);
    expect(p.done).toEqual([]);
  });

  it('given no items, then nothing is called', async () => {
    const p = processor(new Set());
    expect(await bisectBatch([], p.process)).toEqual([]);
    expect(p.calls).toEqual([]);
  });
});
