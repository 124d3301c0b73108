import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

/** How a function failed, in the shape Lambda reports it. */
export interface FunctionError {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace: readonly string[];
}

export type InvokeOutcome =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly error: FunctionError };

export interface LocalFunctionConfig {
  readonly name: string;
  readonly arn: string;
  /** Absolute path of the handler's source module. */
  readonly entry: string;
  readonly handlerName: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly memoryMb: number;
  /** Invocations run at once at most (each in its own worker); more wait. Default 4. */
  readonly maxConcurrency?: number;
  /** Receives every line the handler writes to stdout or stderr. */
  readonly onLog?: (functionName: string, line: string) => void;
}

interface Container {
  readonly worker: Worker;
  busy: boolean;
  /** Whether the handler module has loaded (Lambda's init phase is over). */
  ready: boolean;
  onReady?: () => void;
}

/**
 * Lambda does not count the init phase (loading the handler's module) in an invocation's
 * timeout; locally, on a loaded machine, loading can take seconds. It is bounded on its own.
 */
const INIT_LIMIT_MS = 60_000;

const WORKER_SCRIPT = join(__dirname, 'function-worker.js');

/**
 * One Lambda function run locally: each concurrent invocation gets a worker thread of its own
 * (a container, with the function's own environment and module state, reused while warm), so
 * invocations are isolated as in Lambda, a timeout ends only its own container, and a crash
 * is reported as the invocation's error without touching the runtime.
 */
export class LocalFunction {
  private readonly containers: Container[] = [];
  private readonly waiting: (() => void)[] = [];
  private stopped = false;
  invocations = 0;
  /** What Lambda would bill so far: each invocation's duration, rounded up to the millisecond. */
  billedMs = 0;

  constructor(readonly config: LocalFunctionConfig) {}

  async invoke(event: unknown): Promise<InvokeOutcome> {
    if (this.stopped) throw new Error(`function ${this.config.name} is stopped`);
    this.invocations += 1;
    const container = await this.acquire();
    const started = performance.now();
    try {
      return await this.run(container, event);
    } finally {
      this.billedMs += Math.ceil(performance.now() - started);
      container.busy = false;
      this.waiting.shift()?.();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.containers.splice(0).map((c) => c.worker.terminate()));
  }

  private async acquire(): Promise<Container> {
    for (;;) {
      const idle = this.containers.find((c) => !c.busy);
      if (idle !== undefined) {
        idle.busy = true;
        return idle;
      }
      if (this.containers.length < (this.config.maxConcurrency ?? 4)) {
        const container: Container = { worker: this.startWorker(), busy: true, ready: false };
        container.worker.on('message', (message: { ready?: boolean }) => {
          if (message.ready !== true) return;
          container.ready = true;
          container.onReady?.();
        });
        this.containers.push(container);
        return container;
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private startWorker(): Worker {
    const worker = new Worker(WORKER_SCRIPT, {
      workerData: { entry: this.config.entry, handlerName: this.config.handlerName },
      env: { ...this.config.environment },
      stdout: true,
      stderr: true,
    });
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n'))
        if (line.trim() !== '') this.config.onLog?.(this.config.name, line);
    };
    worker.stdout.on('data', forward);
    worker.stderr.on('data', forward);
    return worker;
  }

  private run(container: Container, event: unknown): Promise<InvokeOutcome> {
    const { worker } = container;
    const invocationId = randomUUID();
    const { timeoutMs } = this.config;
    return new Promise<InvokeOutcome>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const finish = (outcome: InvokeOutcome, discardContainer: boolean) => {
        clearTimeout(timer);
        container.onReady = undefined;
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (discardContainer) this.discard(container);
        resolve(outcome);
      };
      const onMessage = (message: { invocationId?: string } & InvokeOutcome) => {
        if (message.invocationId !== invocationId) return;
        finish(
          message.ok ? { ok: true, result: message.result } : { ok: false, error: message.error },
          false,
        );
      };
      const onError = (error: Error) =>
        finish(
          {
            ok: false,
            error: {
              errorType: 'Runtime.UnhandledError',
              errorMessage: error.message,
              trace: (error.stack ?? '').split('\n'),
            },
          },
          true,
        );
      const onExit = (code: number) =>
        finish(
          {
            ok: false,
            error: {
              errorType: 'Runtime.ExitError',
              errorMessage: `the function's process exited with code ${code}`,
              trace: [],
            },
          },
          true,
        );
      const timedOut = (message: string) =>
        finish(
          { ok: false, error: { errorType: 'Sandbox.Timedout', errorMessage: message, trace: [] } },
          true,
        );
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(
          () => timedOut(`Task timed out after ${(timeoutMs / 1000).toFixed(2)} seconds`),
          timeoutMs,
        );
      };
      if (container.ready) arm();
      else {
        container.onReady = arm;
        timer = setTimeout(
          () =>
            timedOut(`the handler's module did not load within ${INIT_LIMIT_MS / 1000} seconds`),
          INIT_LIMIT_MS,
        );
      }
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.postMessage({
        invocationId,
        event,
        context: {
          functionName: this.config.name,
          functionVersion: '$LATEST',
          invokedFunctionArn: this.config.arn,
          memoryLimitInMB: String(this.config.memoryMb),
          awsRequestId: invocationId,
          logGroupName: `/aws/lambda/${this.config.name}`,
          logStreamName: `local/${invocationId}`,
          timeoutMs,
        },
      });
    });
  }

  private discard(container: Container): void {
    const index = this.containers.indexOf(container);
    if (index >= 0) this.containers.splice(index, 1);
    void container.worker.terminate();
  }
}
