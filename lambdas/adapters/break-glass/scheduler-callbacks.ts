import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { CallbackScheduler } from '../../core/break-glass/ports';

/**
 * One-time EventBridge Scheduler schedules that invoke the break-glass function with a
 * payload (`at(...)` in UTC, deleted after they run). A schedule of the same name already
 * there is the same callback: left as it is.
 */
export class SchedulerCallbacks implements CallbackScheduler {
  constructor(
    private readonly deps: {
      readonly client: SchedulerClient;
      readonly group: string;
      readonly roleArn: string;
      /** The function to call back: the break-glass function itself. */
      readonly targetArn: string;
    },
  ) {}

  async at(name: string, when: Date, payload: Record<string, unknown>): Promise<void> {
    // Scheduler runs at() with one-minute precision, never early: round up to the next second.
    const at = new Date(Math.ceil(when.getTime() / 1000) * 1000).toISOString().slice(0, 19);
    try {
      await this.deps.client.send(
        new CreateScheduleCommand({
          Name: name,
          GroupName: this.deps.group,
          ScheduleExpression: `at(${at})`,
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: {
            Arn: this.deps.targetArn,
            RoleArn: this.deps.roleArn,
            Input: JSON.stringify(payload),
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
    }
  }

  async cancel(name: string): Promise<void> {
    try {
      await this.deps.client.send(
        new DeleteScheduleCommand({ Name: name, GroupName: this.deps.group }),
      );
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }
}
