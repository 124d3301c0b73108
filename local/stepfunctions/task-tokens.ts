import { randomBytes } from 'node:crypto';
import { AwsServiceError } from '../aws-endpoint/aws-errors';

/** A task that waits for its token: SendTaskSuccess, SendTaskFailure, or a timeout, ends it. */
interface WaitingTask {
  readonly executionArn: string;
  readonly stateName: string;
  resolve(output: unknown): void;
  reject(error: Error): void;
  heartbeat?: () => void;
}

/** An error a task ends with, named as Step Functions names errors (used by Retry and Catch). */
export class TaskFailedError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

/**
 * Task tokens: minted when a state reads `$$.Task.Token`, claimed by the task whose input
 * carries them, and completed by the callback APIs. A token completes at most once.
 */
export class TaskTokens {
  private readonly minted = new Set<string>();
  private readonly waiting = new Map<string, WaitingTask>();
  private readonly finished = new Set<string>();

  mint(): string {
    const token = `local-task-token-${randomBytes(24).toString('base64url')}`;
    this.minted.add(token);
    return token;
  }

  /** The tokens minted for this task: those that appear in its input and nobody has claimed. */
  tokensIn(input: unknown): string[] {
    const found: string[] = [];
    const visit = (value: unknown) => {
      if (typeof value === 'string') {
        if (this.minted.has(value) && !this.waiting.has(value) && !this.finished.has(value))
          found.push(value);
      } else if (value !== null && typeof value === 'object') {
        for (const child of Object.values(value)) visit(child);
      }
    };
    visit(input);
    return found;
  }

  /** Waits until the token is completed; `heartbeatSeconds` fails the task if no heartbeat comes in time. */
  wait(
    token: string,
    executionArn: string,
    stateName: string,
    heartbeatSeconds?: number,
  ): Promise<unknown> {
    const waiting = new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const arm = () => {
        if (heartbeatSeconds === undefined) return;
        if (timer !== undefined) clearTimeout(timer);
        timer = setTimeout(
          () =>
            this.complete(token, {
              error: new TaskFailedError(
                'States.HeartbeatTimeout',
                'no heartbeat within HeartbeatSeconds',
              ),
            }),
          heartbeatSeconds * 1000,
        );
      };
      arm();
      this.waiting.set(token, {
        executionArn,
        stateName,
        resolve: (output) => {
          if (timer !== undefined) clearTimeout(timer);
          resolve(output);
        },
        reject: (error) => {
          if (timer !== undefined) clearTimeout(timer);
          reject(error);
        },
        heartbeat: arm,
      });
    });
    // The interpreter may stop listening (the execution was aborted or timed out) before the
    // wait ends; its rejection then has nobody to report to, and must not crash the runtime.
    waiting.catch(() => undefined);
    return waiting;
  }

  succeed(token: string, outputJson: string): void {
    let output: unknown;
    try {
      output = JSON.parse(outputJson);
    } catch {
      throw new AwsServiceError(
        'InvalidOutput',
        'Invalid State Machine Execution output: not a valid JSON',
      );
    }
    this.complete(token, { output });
  }

  fail(token: string, error = 'States.TaskFailed', cause = ''): void {
    this.complete(token, { error: new TaskFailedError(error, cause) });
  }

  isWaiting(token: string): boolean {
    return this.waiting.has(token);
  }

  heartbeat(token: string): void {
    this.taskOf(token).heartbeat?.();
  }

  /** Ends every task still waiting in an execution (it was stopped or timed out). */
  abandon(executionArn: string): void {
    for (const [token, task] of this.waiting) {
      if (task.executionArn !== executionArn) continue;
      this.waiting.delete(token);
      this.finished.add(token);
      task.reject(new TaskFailedError('States.Runtime', 'the execution ended'));
    }
  }

  /** Who is waiting, for people looking at the runtime. */
  pending(): { token: string; executionArn: string; stateName: string }[] {
    return [...this.waiting.entries()].map(([token, t]) => ({
      token,
      executionArn: t.executionArn,
      stateName: t.stateName,
    }));
  }

  private complete(token: string, outcome: { output?: unknown; error?: Error }): void {
    const task = this.taskOf(token);
    this.waiting.delete(token);
    this.finished.add(token);
    if (outcome.error !== undefined) task.reject(outcome.error);
    else task.resolve(outcome.output);
  }

  private taskOf(token: string): WaitingTask {
    if (!token.startsWith('local-task-token-'))
      throw new AwsServiceError('InvalidToken', 'Invalid Token');
    const task = this.waiting.get(token);
    if (task === undefined) {
      throw new AwsServiceError(
        this.finished.has(token) ? 'TaskTimedOut' : 'TaskDoesNotExist',
        this.finished.has(token) ? 'Task Timed Out' : 'Task does not exist',
      );
    }
    return task;
  }
}
