import { parentPort } from 'node:worker_threads';
import { createGoParser } from '../extract/go-parser';
import { analyseFile, parseOnly } from './file-analysis';
import type { WorkerBatch, WorkerReply } from './worker-pool';

/** A worker thread: reads, parses and extracts the files it is sent, one batch at a time. */
const parser = createGoParser();
const port = parentPort;
port?.on('message', (batch: WorkerBatch) => {
  const reply: WorkerReply = {
    id: batch.id,
    results: batch.files.map((file) =>
      batch.mode === 'parse'
        ? parseOnly(parser, file.absolute, file.path)
        : analyseFile(parser, file.absolute, file.path),
    ),
  };
  port.postMessage(reply);
});
