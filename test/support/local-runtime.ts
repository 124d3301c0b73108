import type { App } from 'aws-cdk-lib';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalRuntime } from '../../local/runtime/local-runtime';
import { synthesizeStacks } from '../../local/synth';

export interface RuntimeHandle {
  readonly runtime: LocalRuntime;
  /** Client settings that reach the runtime: pass to any AWS SDK v3 client. */
  readonly clientConfig: {
    endpoint: string;
    region: string;
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
}

/**
 * One local runtime for a test file: synthesizes what `build` adds (each stack name gets a
 * suffix so files sharing the run's DynamoDB Local never share a table), starts it before the
 * file's tests on free ports, and stops it after them.
 */
export function useLocalRuntime(
  build: (app: App, suffix: string) => void,
  options: { beforeEventSources?: (runtime: LocalRuntime) => Promise<void> } = {},
): RuntimeHandle {
  let runtime: LocalRuntime | undefined;
  const suffix = randomBytes(3).toString('hex');
  const logs: string[] = [];

  beforeAll(async () => {
    runtime = await LocalRuntime.start({
      stacks: synthesizeStacks((app) => build(app, suffix)),
      projectRoot: join(__dirname, '../..'),
      stateDir: mkdtempSync(join(tmpdir(), 'ward-local-')),
      dynamoDbEndpoint: process.env.AWS_ENDPOINT_URL_DYNAMODB,
      ...(options.beforeEventSources !== undefined
        ? { beforeEventSources: options.beforeEventSources }
        : {}),
      log: (line) => {
        logs.push(line);
        // WARD_TEST_LOGS=1 shows what the functions print, for debugging a failing flow.
        if (process.env.WARD_TEST_LOGS === '1') process.stderr.write(`${line}\n`);
      },
    });
  }, 120_000);

  afterAll(async () => {
    await runtime?.stop();
  });

  return {
    get runtime() {
      if (runtime === undefined) throw new Error('the local runtime has not started');
      return runtime;
    },
    get clientConfig() {
      return {
        endpoint: this.runtime.awsEndpoint,
        region: 'eu-west-2',
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      };
    },
  };
}

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 20_000,
  what = 'the condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
