import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort } from 'node:worker_threads';
import { createGoParser } from '../extract/go-parser';
import { parseManifest } from '../manifests';
import { analyseFile, parseOnly, type FileOutcome } from './file-analysis';
import type { ManifestJob, WorkerBatch, WorkerReply } from './worker-pool';

/**
 * A worker thread: reads, parses and extracts the files it is sent, one batch at a time.
 *
 * tree-sitter's trees live in native memory that V8 neither sees nor counts; the binding frees
 * a tree in a finalizer that Node runs from the event loop's "immediate" phase after the tree's
 * small JavaScript object is collected. So (1) a batch is processed from `setImmediate`, never
 * straight from the message handler: with the next batch always queued, the port would keep
 * the loop in its message phase and no finalizer would ever run (gigabytes of dead trees); and
 * (2) after each batch the worker runs a young-generation collection (about a millisecond), so
 * the batch's trees are found dead at once rather than at a full GC its small heap never needs.
 */
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as (options: { type: 'minor' }) => void;

const parser = createGoParser();
const port = parentPort;
const queue: (WorkerBatch | ManifestJob)[] = [];
let scheduled = false;

function processNext(): void {
  scheduled = false;
  const batch = queue.shift();
  if (batch === undefined || port === null) return;
  if ('manifests' in batch) {
    port.postMessage({ manifests: batch.manifests.map(parseManifest) });
    schedule();
    return;
  }
  const results: FileOutcome[] = [];
  let lines = 0;
  const options = { modulePaths: batch.modulePaths, forCache: batch.forCache };
  for (const file of batch.files) {
    if (batch.mode === 'parse') lines += parseOnly(parser, file);
    else results.push(analyseFile(parser, file, options));
  }
  collect({ type: 'minor' });
  const reply: WorkerReply = { id: batch.id, results, lines };
  port.postMessage(reply);
  schedule();
}

function schedule(): void {
  if (!scheduled && queue.length > 0) {
    scheduled = true;
    setImmediate(processNext);
  }
}

port?.on('message', (batch: WorkerBatch | ManifestJob) => {
  queue.push(batch);
  schedule();
});
