import { readJsonPath } from '../event-buses/json-path';
import type { TaskHandler } from './task-integrations';
import { TaskFailedError } from './task-tokens';

/** Step Functions' own limit on a Task without TimeoutSeconds is none; setTimeout's is 24.8 days. */
const NO_TIMEOUT_SECONDS = 2_147_483;
/** Where a rewritten state passes its TimeoutSecondsPath value to the task handler. */
const TIMEOUT_PARAMETER = '__wardTimeoutSeconds';

/** A Task whose timeout comes from its input: the handler enforces it. */
export interface TimeoutFromInput {
  readonly path: string;
  /** The value arrives among the Parameters (else the handler reads `path` from its input). */
  readonly viaParameters: boolean;
}

/**
 * Adapts a definition to the interpreter so Task timeouts behave as in Step Functions:
 * - ASL's reference interpreter ends a Task without `TimeoutSeconds` after 60 s; Step Functions
 *   does not, so such Tasks get an effectively unlimited timeout.
 * - The interpreter evaluates `TimeoutSecondsPath` against the task's Parameters rather than
 *   its input, so the path is moved into the Parameters (evaluated against the input there,
 *   as Step Functions does) and the task handler enforces the timeout.
 */
export function adaptTaskTimeouts(definition: Readonly<Record<string, unknown>>): {
  definition: Record<string, unknown>;
  fromInput: Map<string, TimeoutFromInput>;
} {
  // A JSON round trip rather than structuredClone: under jest, structuredClone returns objects of
  // another realm, which the interpreter's plain-object checks do not recognise.
  const copy = JSON.parse(JSON.stringify(definition)) as Record<string, unknown>;
  const fromInput = new Map<string, TimeoutFromInput>();
  const visit = (machine: Record<string, unknown> | undefined) => {
    for (const [name, state] of Object.entries(
      (machine?.States ?? {}) as Record<string, Record<string, unknown>>,
    )) {
      if (state.Type === 'Task') {
        const path = state.TimeoutSecondsPath;
        if (typeof path === 'string') {
          const parameters = state.Parameters;
          const viaParameters =
            parameters !== null && typeof parameters === 'object' && !Array.isArray(parameters);
          if (viaParameters)
            (parameters as Record<string, unknown>)[`${TIMEOUT_PARAMETER}.$`] = path;
          delete state.TimeoutSecondsPath;
          fromInput.set(name, { path, viaParameters });
        }
        state.TimeoutSeconds ??= NO_TIMEOUT_SECONDS;
      }
      visit((state.ItemProcessor ?? state.Iterator) as Record<string, unknown> | undefined);
      for (const branch of (state.Branches ?? []) as Record<string, unknown>[]) visit(branch);
    }
  };
  visit(copy);
  return { definition: copy, fromInput };
}

/** The handler, ending with States.Timeout after the number of seconds its input names. */
export function withTimeoutFromInput(handler: TaskHandler, spec: TimeoutFromInput): TaskHandler {
  return async (input) => {
    let payload = input;
    let seconds: unknown;
    if (spec.viaParameters) {
      const { [TIMEOUT_PARAMETER]: value, ...rest } = (input ?? {}) as Record<string, unknown>;
      seconds = value;
      payload = rest;
    } else {
      seconds = readJsonPath(input, spec.path);
    }
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1) {
      throw new TaskFailedError(
        'States.Runtime',
        `TimeoutSecondsPath ${spec.path} must select a positive integer, not ${JSON.stringify(seconds)}`,
      );
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new TaskFailedError('States.Timeout', `the task did not end within ${seconds} seconds`),
          ),
        Math.min(seconds, NO_TIMEOUT_SECONDS) * 1000,
      );
    });
    try {
      return await Promise.race([handler(payload), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };
}
