import { writeDigest } from '../../core/audit/archive-writer';
import { archive, logger } from './archive-context';

/** On its schedule: signs a digest over the batches archived since the last one. */
export async function handler(): Promise<{ digest: number | null; batches: number }> {
  const body = await writeDigest({
    store: archive.store(),
    state: archive.state(),
    signer: archive.signer(),
    now: () => new Date(),
    stream: archive.stream,
  });
  if (body !== undefined)
    logger.info('audit digest signed', {
      digest: body.number,
      firstBatch: body.batches[0]?.number,
      lastBatch: body.batches.at(-1)?.number,
    });
  return { digest: body?.number ?? null, batches: body?.batches.length ?? 0 };
}
