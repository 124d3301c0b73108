import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FileOutcome } from './file-analysis';

export interface WorkerFile {
  readonly absolute: string;
  readonly path: string;
}
/** `facts` analyses files; `parse` only reads and parses them (the bench's baseline). */
export type WorkerMode = 'facts' | 'parse';

export interface WorkerBatch {
  readonly id: number;
  readonly mode: WorkerMode;
  readonly files: readonly WorkerFile[];
}
export interface WorkerReply {
  readonly id: number;
  readonly results: readonly FileOutcome[];
}

/** A worker thread failed or stopped before it answered. */
export class RpcmapWorkerError extends Error {
  override readonly name = 'RpcmapWorkerError';
}

/**
 * Analyses `files` on `jobs` worker threads, handing out small batches as workers finish so
 * both cores stay busy to the end. The worker is TypeScript when rpcmap runs from source (under
 * tsx or ts-jest): it then loads tsx's require hook itself, since a worker inherits neither
 * jest's transform nor (on Node 20) a loader given with --import.
 */
export async function analyseInWorkers(
  files: readonly WorkerFile[],
  jobs: number,
  onResult: (outcome: FileOutcome) => void,
  mode: WorkerMode = 'facts',
  batchSize = 48,
): Promise<void> {
  const ext = extname(__filename);
  const script = join(__dirname, `parse-worker${ext}`);
  // From source, the worker first installs tsx's require hook, then loads the TypeScript file.
  const fromSource = ext === '.ts';
  const bootstrap = fromSource
    ? `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(script)});`
    : script;
  const batches: WorkerBatch[] = [];
  for (let i = 0; i < files.length; i += batchSize) {
    batches.push({ id: batches.length, mode, files: files.slice(i, i + batchSize) });
  }
  let next = 0;
  const workers = Array.from(
    { length: Math.max(1, Math.min(jobs, batches.length)) },
    () => new Worker(bootstrap, { eval: fromSource }),
  );
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            let inFlight = 0;
            const send = () => {
              const batch = batches[next++];
              if (batch !== undefined) {
                inFlight++;
                worker.postMessage(batch);
              } else if (inFlight === 0) resolve();
            };
            worker.on('message', (reply: WorkerReply) => {
              inFlight--;
              for (const outcome of reply.results) onResult(outcome);
              send();
            });
            worker.on('error', (error) =>
              reject(new RpcmapWorkerError('an rpcmap worker thread failed', { cause: error })),
            );
            worker.on('exit', (code) => {
              if (inFlight > 0 || next < batches.length) {
                reject(
                  new RpcmapWorkerError(`an rpcmap worker thread stopped (exit code ${code})`),
                );
              }
            });
            // Two batches in flight, so a worker never waits for the main thread's reply.
            send();
            send();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
