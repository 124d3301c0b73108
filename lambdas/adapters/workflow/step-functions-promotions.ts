import { ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { PromotionExecutionInput } from '../../contracts/promotion-contracts';
import type { PromotionStarterPort } from '../../core/promotion/use-cases/start-promotion';

/**
 * Starts promotion executions named by the promotion's id: the id `ward pipeline` shows and
 * `ward promote approve` takes, and a retried start cannot run the promotion twice.
 */
export class StepFunctionsPromotions implements PromotionStarterPort {
  constructor(
    private readonly deps: { readonly client: SFNClient; readonly stateMachineArn: string },
  ) {}

  async start(id: string, input: PromotionExecutionInput): Promise<void> {
    try {
      await this.deps.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.deps.stateMachineArn,
          name: id,
          input: JSON.stringify(input),
        }),
      );
    } catch (error) {
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
    }
  }
}
