import {
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  ExecutionAlreadyExists,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { ApprovalWorkflowInput } from '../../contracts/approval-contracts';
import type { ApprovalWorkflowPort } from '../../core/approvals/ports';

/**
 * The approval state machine, driven through Step Functions: one execution per change (named
 * after it, so a retried start cannot run it twice), released or stopped by its task token.
 */
export class StepFunctionsApprovalWorkflow implements ApprovalWorkflowPort {
  /** `stateMachineArn` is needed only to start executions; releasing and stopping use the token. */
  constructor(
    private readonly deps: { readonly client: SFNClient; readonly stateMachineArn?: string },
  ) {}

  async start(changeId: string, expiresInSeconds: number): Promise<void> {
    if (this.deps.stateMachineArn === undefined) {
      throw new Error(
        'cannot start the approval workflow: its state machine ARN is not configured',
      );
    }
    const input: ApprovalWorkflowInput = { changeId, expiresInSeconds };
    try {
      await this.deps.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.deps.stateMachineArn,
          name: changeId,
          input: JSON.stringify(input),
        }),
      );
    } catch (error) {
      // A retry of the same start: the execution is already running for this change.
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
    }
  }

  async release(taskToken: string, output: unknown): Promise<void> {
    await this.deps.client.send(
      new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }),
    );
  }

  async stop(taskToken: string, error: string, cause: string): Promise<void> {
    await this.deps.client.send(new SendTaskFailureCommand({ taskToken, error, cause }));
  }
}
