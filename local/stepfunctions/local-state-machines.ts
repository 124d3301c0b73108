import { randomUUID } from 'node:crypto';
import { AwsServiceError } from '../aws-endpoint/aws-errors';
import { StateMachine, type StateMachineDefinition } from './asl-interpreter';
import {
  taskHandlerFor,
  UnsupportedTaskError,
  type ServiceIntegrations,
  type TaskHandler,
  type TaskState,
} from './task-integrations';
import { adaptTaskTimeouts, withTimeoutFromInput } from './task-timeouts';
import { TaskTokens } from './task-tokens';
import { textOf } from '../template/values';

export interface StateMachineConfig {
  readonly name: string;
  readonly arn: string;
  readonly definition: Readonly<Record<string, unknown>>;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface HistoryEvent {
  readonly type: string;
  readonly timestamp: string;
  readonly state?: string;
  readonly error?: string;
  readonly cause?: string;
}

export interface ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  status: ExecutionStatus;
  readonly input: string;
  output?: string;
  error?: string;
  cause?: string;
  readonly startDate: string;
  stopDate?: string;
  readonly history: HistoryEvent[];
  readonly done: Promise<void>;
  abort?: () => void;
}

/**
 * The state machines of the stack, run on their synthesized ASL by aws-local-stepfunctions,
 * with every Task state's resource served locally (see task-integrations.ts). Executions,
 * their status and history are kept, and task tokens are completed by the callback APIs.
 */
export class LocalStateMachines {
  readonly tokens = new TaskTokens();
  private readonly machines = new Map<
    string,
    {
      config: StateMachineConfig;
      machine: StateMachine;
      tasks: Map<string, (executionArn: () => string) => TaskHandler>;
    }
  >();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly listeners = new Set<(execution: ExecutionRecord) => void>();
  /** Task resources the runtime cannot run, by state machine: reported, and their executions refused. */
  readonly unsupported: { readonly stateMachine: string; readonly reason: string }[] = [];

  constructor(
    configs: readonly StateMachineConfig[],
    private readonly services: ServiceIntegrations,
    private readonly region: string,
    private readonly accountId: string,
  ) {
    for (const config of configs) {
      const { definition, fromInput } = adaptTaskTimeouts(config.definition);
      const tasks = new Map<string, (executionArn: () => string) => TaskHandler>();
      for (const [stateName, state] of taskStates(definition)) {
        try {
          // Validate the resource now; the handler is made per execution so it knows its execution.
          taskHandlerFor(stateName, state, this.services, this.tokens, () => '');
          const timeout = fromInput.get(stateName);
          tasks.set(stateName, (executionArn) => {
            const handler = taskHandlerFor(
              stateName,
              state,
              this.services,
              this.tokens,
              executionArn,
            );
            return timeout === undefined ? handler : withTimeoutFromInput(handler, timeout);
          });
        } catch (error) {
          if (!(error instanceof UnsupportedTaskError)) throw error;
          this.unsupported.push({ stateMachine: config.name, reason: error.message });
        }
      }
      const machine = new StateMachine(definition as unknown as StateMachineDefinition, {
        validationOptions: { checkArn: false, checkPaths: false },
      });
      this.machines.set(config.arn, { config, machine, tasks });
    }
  }

  configs(): StateMachineConfig[] {
    return [...this.machines.values()].map((m) => m.config);
  }

  startExecution(
    stateMachineArn: string,
    input = '{}',
    name?: string,
  ): { executionArn: string; startDate: string } {
    const entry = this.machines.get(stateMachineArn);
    if (entry === undefined)
      throw new AwsServiceError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${stateMachineArn}'`,
      );
    const refusal = this.unsupported.find((u) => u.stateMachine === entry.config.name);
    if (refusal !== undefined)
      throw new AwsServiceError(
        'StateMachineDoesNotExist',
        `cannot run ${entry.config.name} locally: ${refusal.reason}`,
      );
    let parsedInput: unknown;
    try {
      parsedInput = JSON.parse(input);
    } catch {
      throw new AwsServiceError(
        'InvalidExecutionInput',
        'Invalid State Machine Execution Input: not a valid JSON',
      );
    }
    const executionName = name ?? randomUUID();
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(executionName))
      throw new AwsServiceError('InvalidName', `Invalid Name: '${executionName}'`);
    const executionArn = `arn:aws:states:${this.region}:${this.accountId}:execution:${entry.config.name}:${executionName}`;
    const existing = this.executions.get(executionArn);
    if (existing !== undefined) {
      if (existing.input === input && existing.status === 'RUNNING')
        return { executionArn, startDate: existing.startDate };
      throw new AwsServiceError(
        'ExecutionAlreadyExists',
        `Execution Already Exists: '${executionArn}'`,
      );
    }

    const startDate = new Date().toISOString();
    const history: HistoryEvent[] = [];
    let finish: () => void = () => undefined;
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn,
      name: executionName,
      status: 'RUNNING',
      input,
      startDate,
      history,
      done: new Promise<void>((resolve) => (finish = resolve)),
    };
    this.executions.set(executionArn, record);

    const tokens = this.tokens;
    const context = {
      Execution: {
        Id: executionArn,
        Name: executionName,
        Input: parsedInput,
        StartTime: startDate,
        RoleArn: '',
      },
      StateMachine: { Id: stateMachineArn, Name: entry.config.name },
      // Every read of $$.Task.Token mints a token; the task that carries it in its input claims it.
      get Task() {
        return { Token: tokens.mint() };
      },
    };
    const handlers = Object.fromEntries(
      [...entry.tasks].map(([state, make]) => [state, make(() => executionArn)]),
    );
    const execution = entry.machine.run(parsedInput as never, {
      context: context as never,
      overrides: { taskResourceLocalHandlers: handlers as never },
      noThrowOnAbort: true,
    });
    record.abort = execution.abort;
    void this.collectHistory(record, execution.eventLogs as AsyncGenerator<unknown>);
    execution.result.then(
      (output: unknown) => {
        if (record.status === 'RUNNING')
          this.end(record, 'SUCCEEDED', { output: JSON.stringify(output ?? null) });
        finish();
      },
      (error: Error) => {
        const failed = [...history].reverse().find((e) => e.type === 'ExecutionFailed');
        const timedOut = error.name === 'ExecutionTimeoutError';
        this.end(record, timedOut ? 'TIMED_OUT' : 'FAILED', {
          error:
            failed?.error ??
            (timedOut
              ? 'States.Timeout'
              : ((error.cause as Error | undefined)?.name ?? error.name)),
          cause: failed?.cause ?? (error.cause as Error | undefined)?.message ?? error.message,
        });
        finish();
      },
    );
    this.notify(record);
    return { executionArn, startDate };
  }

  stopExecution(executionArn: string, error?: string, cause?: string): { stopDate: string } {
    const record = this.execution(executionArn);
    if (record.status === 'RUNNING') {
      record.abort?.();
      this.end(record, 'ABORTED', { ...(error ? { error } : {}), ...(cause ? { cause } : {}) });
    }
    return { stopDate: record.stopDate ?? new Date().toISOString() };
  }

  execution(executionArn: string): ExecutionRecord {
    const record = this.executions.get(executionArn);
    if (record === undefined)
      throw new AwsServiceError(
        'ExecutionDoesNotExist',
        `Execution Does Not Exist: '${executionArn}'`,
      );
    return record;
  }

  list(stateMachineArn?: string, status?: ExecutionStatus): ExecutionRecord[] {
    return [...this.executions.values()]
      .filter(
        (e) =>
          (stateMachineArn === undefined || e.stateMachineArn === stateMachineArn) &&
          (status === undefined || e.status === status),
      )
      .reverse();
  }

  async waitFor(executionArn: string): Promise<ExecutionRecord> {
    const record = this.execution(executionArn);
    await record.done;
    return record;
  }

  onChange(listener: (execution: ExecutionRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stopAll(): void {
    for (const record of this.executions.values())
      if (record.status === 'RUNNING')
        this.stopExecution(record.executionArn, 'States.Runtime', 'the local runtime stopped');
  }

  private end(
    record: ExecutionRecord,
    status: ExecutionStatus,
    details: { output?: string; error?: string; cause?: string },
  ): void {
    record.status = status;
    record.stopDate = new Date().toISOString();
    if (details.output !== undefined) record.output = details.output;
    if (details.error !== undefined) record.error = details.error;
    if (details.cause !== undefined) record.cause = details.cause;
    if (status !== 'SUCCEEDED') this.tokens.abandon(record.executionArn);
    this.notify(record);
  }

  private notify(record: ExecutionRecord): void {
    for (const listener of this.listeners) listener(record);
  }

  private async collectHistory(
    record: ExecutionRecord,
    events: AsyncGenerator<unknown>,
  ): Promise<void> {
    for await (const raw of events) {
      const event = raw as Record<string, unknown>;
      const state = event.state as { name?: string } | undefined;
      record.history.push({
        type: String(event.type),
        timestamp: new Date(Number(event.timestamp)).toISOString(),
        ...(state?.name !== undefined ? { state: state.name } : {}),
        ...(event.Error !== undefined ? { error: textOf(event.Error) } : {}),
        ...(event.Cause !== undefined
          ? { cause: typeof event.Cause === 'string' ? event.Cause : JSON.stringify(event.Cause) }
          : {}),
      });
    }
  }
}

/** Every Task state, including those inside Map and Parallel states. */
function taskStates(definition: Readonly<Record<string, unknown>>): [string, TaskState][] {
  const found: [string, TaskState][] = [];
  const visit = (machine: Record<string, unknown> | undefined) => {
    for (const [name, state] of Object.entries(
      (machine?.States ?? {}) as Record<string, Record<string, unknown>>,
    )) {
      if (state.Type === 'Task') found.push([name, state as unknown as TaskState]);
      visit((state.ItemProcessor ?? state.Iterator) as Record<string, unknown> | undefined);
      for (const branch of (state.Branches ?? []) as Record<string, unknown>[]) visit(branch);
    }
  };
  visit(definition);
  return found;
}
