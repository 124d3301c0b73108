import { extname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ManifestText, ParsedManifest } from '../manifests';
import type { FileJob, FileOutcome } from './file-analysis';

/** `facts` analyses files; `parse` only reads and parses them (the bench's baseline). */
export type WorkerMode = 'facts' | 'parse';

export interface WorkerBatch {
  readonly id: number;
  readonly mode: WorkerMode;
  readonly modulePaths: readonly string[];
  readonly forCache: boolean;
  readonly files: readonly FileJob[];
}
/** Manifests to parse (YAML is slow to parse: off the main thread, it overlaps the walk). */
export interface ManifestJob {
  readonly manifests: readonly ManifestText[];
}

export interface WorkerReply {
  readonly id: number;
  readonly results: readonly FileOutcome[];
  /** lines parsed, in `parse` mode */
  readonly lines: number;
}

/** A worker thread failed or stopped before it answered. */
export class RpcmapWorkerError extends Error {
  override readonly name = 'RpcmapWorkerError';
}

/** Files per batch: enough to make a message worth sending, few enough to share out evenly. */
const BATCH_FILES = 48;

/**
 * Worker threads that read, parse and extract files. They start when the pool is made, so
 * they load while the caller walks the tree; `run` hands out small batches as workers finish,
 * two in flight each, so both cores stay busy to the end. The worker is TypeScript when rpcmap
 * runs from source (under tsx or ts-jest): it then loads tsx's require hook itself, since a
 * worker inherits neither jest's transform nor (on Node 20) a loader given with --import.
 */
export class WorkerPool {
  private readonly workers: Worker[];
  private failure: Error | undefined;

  constructor(jobs: number) {
    const ext = extname(__filename);
    const script = join(__dirname, `parse-worker${ext}`);
    const fromSource = ext === '.ts';
    const bootstrap = fromSource
      ? `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(script)});`
      : script;
    this.workers = Array.from({ length: Math.max(1, jobs) }, () => {
      const worker = new Worker(bootstrap, { eval: fromSource });
      worker.on('error', (error) => {
        this.failure ??= new RpcmapWorkerError('an rpcmap worker thread failed', { cause: error });
      });
      return worker;
    });
  }

  get size(): number {
    return this.workers.length;
  }

  /** Parses manifests on the first worker, ahead of the files `run` will give it. */
  parseManifests(manifests: readonly ManifestText[]): Promise<readonly ParsedManifest[]> {
    const worker = this.workers[0];
    if (worker === undefined) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      const onMessage = (reply: WorkerReply | { manifests: readonly ParsedManifest[] }) => {
        if (!('manifests' in reply)) return;
        worker.off('message', onMessage);
        worker.off('error', onError);
        resolve(reply.manifests);
      };
      const onError = (error: Error) => {
        worker.off('message', onMessage);
        reject(new RpcmapWorkerError('an rpcmap worker thread failed', { cause: error }));
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      const job: ManifestJob = { manifests };
      worker.postMessage(job);
    });
  }

  /** Analyses `files`, calling `onResult` for each as batches come back. */
  async run(
    files: readonly FileJob[],
    options: {
      readonly mode: WorkerMode;
      readonly modulePaths: readonly string[];
      readonly forCache: boolean;
    },
    onResult: (outcome: FileOutcome) => void,
    onLines?: (lines: number) => void,
  ): Promise<void> {
    const batches: WorkerBatch[] = [];
    for (let i = 0; i < files.length; i += BATCH_FILES) {
      batches.push({
        id: batches.length,
        mode: options.mode,
        modulePaths: options.modulePaths,
        forCache: options.forCache,
        files: files.slice(i, i + BATCH_FILES),
      });
    }
    let next = 0;
    await Promise.all(
      this.workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            let inFlight = 0;
            const stop = (error: Error) => {
              worker.off('message', onMessage);
              worker.off('error', onError);
              worker.off('exit', onExit);
              reject(error);
            };
            const send = () => {
              const batch = batches[next++];
              if (batch !== undefined) {
                inFlight++;
                worker.postMessage(batch);
              } else if (inFlight === 0) {
                worker.off('message', onMessage);
                worker.off('error', onError);
                worker.off('exit', onExit);
                resolve();
              }
            };
            const onMessage = (reply: WorkerReply) => {
              if (!('results' in reply)) return;
              inFlight--;
              try {
                for (const outcome of reply.results) onResult(outcome);
                onLines?.(reply.lines);
              } catch (error) {
                stop(error as Error);
                return;
              }
              send();
            };
            const onError = (error: Error) =>
              stop(new RpcmapWorkerError('an rpcmap worker thread failed', { cause: error }));
            const onExit = (code: number) =>
              stop(new RpcmapWorkerError(`an rpcmap worker thread stopped (exit code ${code})`));
            if (this.failure) {
              reject(this.failure);
              return;
            }
            worker.on('message', onMessage);
            worker.on('error', onError);
            worker.on('exit', onExit);
            // Two batches in flight, so a worker never waits for the main thread's reply.
            send();
            send();
          }),
      ),
    );
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

/** Reads and parses `files` on `jobs` threads and counts their lines: the bare parser's cost. */
export async function parseInWorkers(files: readonly FileJob[], jobs: number): Promise<number> {
  const pool = new WorkerPool(jobs);
  let lines = 0;
  try {
    await pool.run(
      files,
      { mode: 'parse', modulePaths: [], forCache: false },
      () => undefined,
      (n) => (lines += n),
    );
  } finally {
    await pool.close();
  }
  return lines;
}
