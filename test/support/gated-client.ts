import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** A request the gate may hold: the SDK command's name and its (document-form) input. */
export interface GatedRequest {
  readonly command: string;
  readonly input: Record<string, unknown>;
}

/**
 * A gate on one request: holds the first request `matches` picks (after `skip` earlier
 * matches) before it is sent and again after DynamoDB has applied it, so a test can stop a
 * writer at an exact point, as a crash, a pause or a slow network would.
 */
export interface Gate {
  /** Resolves when the held request reached the gate (it has not been sent yet). */
  readonly reached: Promise<void>;
  /** Lets the held request go to DynamoDB; resolves once DynamoDB answered. */
  send(): Promise<void>;
  /** Hands DynamoDB's answer back to the caller, or `lost` instead, as if the answer got lost. */
  answer(lost?: Error): void;
}

/**
 * A document client whose requests pass through `gate` checks: what production code gets,
 * with a test seam at the SDK's own middleware stack rather than inside the adapter.
 */
export function gatedClient(): {
  client: DynamoDBDocumentClient;
  hold(matches: (request: GatedRequest) => boolean, skip?: number): Gate;
  destroy(): void;
} {
  const raw = new DynamoDBClient({});
  const gates: {
    matches: (r: GatedRequest) => boolean;
    skip: number;
    run: (send: () => Promise<unknown>) => Promise<unknown>;
  }[] = [];
  raw.middlewareStack.add(
    (next, context) => async (args) => {
      const request = {
        command: context.commandName ?? '',
        input: args.input as Record<string, unknown>,
      };
      const index = gates.findIndex((gate) => gate.matches(request) && gate.skip-- <= 0);
      if (index < 0) return next(args);
      const [gate] = gates.splice(index, 1);
      return (await gate!.run(() => next(args))) as Awaited<ReturnType<typeof next>>;
    },
    { step: 'initialize', name: 'wardTestGate' },
  );
  return {
    client: DynamoDBDocumentClient.from(raw),
    hold(matches, skip = 0) {
      const reached = deferred();
      const release = deferred();
      const sent = deferred();
      const answered = deferred<Error | undefined>();
      gates.push({
        matches,
        skip,
        run: async (send) => {
          reached.resolve();
          await release.promise;
          // DynamoDB has answered (a refusal too); the caller hears it only when let go.
          const outcome = await send().then(
            (value) => ({ value }),
            (error: unknown) => ({ error }),
          );
          sent.resolve();
          const lost = await answered.promise;
          if (lost !== undefined) throw lost;
          if ('error' in outcome) throw outcome.error;
          return outcome.value;
        },
      });
      return {
        reached: reached.promise,
        send: async () => {
          release.resolve();
          await sent.promise;
        },
        answer: (lost) => answered.resolve(lost),
      };
    },
    destroy: () => raw.destroy(),
  };
}

function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A clock the test moves by hand. */
export function manualClock(start = Date.parse('2030-01-01T00:00:00Z')): {
  now: () => Date;
  advance(ms: number): void;
} {
  let current = start;
  return { now: () => new Date(current), advance: (ms) => (current += ms) };
}
