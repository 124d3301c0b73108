// Runs one Lambda function's handler inside a worker thread, as one warm container would:
// the module is loaded once, invocations arrive one at a time, and the environment is the
// function's own. Plain JavaScript, so it needs no transform to start; TypeScript entries are
// loaded through tsx's require hook.
'use strict';
const { parentPort, workerData } = require('node:worker_threads');

let handler;
let initError;
try {
  if (/\.[cm]?tsx?$/.test(workerData.entry)) require('tsx/cjs/api').register();
  const module_ = require(workerData.entry);
  handler = module_[workerData.handlerName];
  if (typeof handler !== 'function') {
    throw new Error(`${workerData.entry} exports no function named ${workerData.handlerName}`);
  }
} catch (error) {
  initError = error;
}
// The init phase is over: the invocation's timeout starts now, as in Lambda.
parentPort.postMessage({ ready: true });

function describeError(error, fallbackType) {
  const isError = error instanceof Error;
  return {
    errorType: isError ? error.name || fallbackType : fallbackType,
    errorMessage: isError ? error.message : String(error),
    trace: isError && error.stack ? error.stack.split('\n') : [],
  };
}

parentPort.on('message', async ({ invocationId, event, context }) => {
  if (initError) {
    parentPort.postMessage({
      invocationId,
      ok: false,
      error: describeError(initError, 'Runtime.ImportModuleError'),
    });
    return;
  }
  const deadline = Date.now() + context.timeoutMs;
  const lambdaContext = {
    ...context,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    const result = await handler(event, lambdaContext);
    // Lambda serialises the result as JSON: undefined becomes null, Dates become strings.
    const serialised = result === undefined ? null : JSON.parse(JSON.stringify(result));
    parentPort.postMessage({ invocationId, ok: true, result: serialised });
  } catch (error) {
    parentPort.postMessage({ invocationId, ok: false, error: describeError(error, 'Error') });
  }
});
