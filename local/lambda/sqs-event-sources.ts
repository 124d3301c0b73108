import type { InvokeOutcome } from './local-function';
import type { LocalQueues, QueueMessage } from '../sqs/local-queues';
import type { LocalAssembly } from '../template/local-assembly';
import { textOf } from '../template/values';

/** An SQS event source mapping of the template (AWS::Lambda::EventSourceMapping). */
export interface SqsEventSourceConfig {
  readonly queueArn: string;
  readonly functionName: string;
  readonly batchSize: number;
  readonly batchingWindowMs: number;
  readonly reportBatchItemFailures: boolean;
  readonly enabled: boolean;
}

/** The SQS mappings of a template; mappings of other sources (streams, Kafka) are left out. */
export function sqsEventSourceConfigs(assembly: LocalAssembly): SqsEventSourceConfig[] {
  return assembly.ofType('AWS::Lambda::EventSourceMapping').flatMap((resource) => {
    const p = resource.properties;
    const queueArn = textOf(p.EventSourceArn ?? '');
    if (!queueArn.startsWith('arn:aws:sqs:')) return [];
    const functionName = textOf(p.FunctionName ?? '').replace(
      /^arn:aws:lambda:[^:]*:[^:]*:function:/,
      '',
    );
    return [
      {
        queueArn,
        functionName,
        batchSize: Number(p.BatchSize ?? 10),
        batchingWindowMs: Number(p.MaximumBatchingWindowInSeconds ?? 0) * 1000,
        reportBatchItemFailures: ((p.FunctionResponseTypes ?? []) as unknown[]).includes(
          'ReportBatchItemFailures',
        ),
        enabled: p.Enabled !== false,
      },
    ];
  });
}

/**
 * Lambda's SQS pollers, locally: each mapping receives up to its batch size (waiting up to its
 * batching window to fill a batch), invokes the function with the SQS event, and deletes what
 * succeeded: all of it, or all but the reported `batchItemFailures`. A failed invocation leaves
 * its messages to reappear after the visibility timeout, and the queue's redrive policy moves
 * them to the dead-letter queue in the end, as in AWS. As many batches are in flight as the
 * function may run at once (its reserved concurrency), so a serial function stays serial.
 */
export class SqsEventSources {
  private running = false;
  private readonly loops: Promise<void>[] = [];

  constructor(
    readonly configs: readonly SqsEventSourceConfig[],
    private readonly deps: {
      readonly queues: LocalQueues;
      readonly invoke: (functionName: string, event: unknown) => Promise<InvokeOutcome>;
      readonly concurrencyOf: (functionName: string) => number;
      readonly region: string;
      readonly log?: (line: string) => void;
    },
  ) {}

  start(): void {
    this.running = true;
    for (const config of this.configs.filter((c) => c.enabled))
      for (let i = 0; i < this.deps.concurrencyOf(config.functionName); i += 1)
        this.loops.push(this.poll(config));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.allSettled(this.loops.splice(0));
  }

  private async poll(config: SqsEventSourceConfig): Promise<void> {
    while (this.running) {
      try {
        const batch = await this.receiveBatch(config);
        if (batch.length === 0) continue;
        const outcome = await this.deps.invoke(config.functionName, {
          Records: batch.map((m) => this.record(config, m)),
        });
        this.settle(config, batch, outcome);
      } catch (error) {
        // As Lambda's poller does, a failed round is logged and the next one goes on; the
        // messages it held come back after their visibility timeout.
        this.deps.log?.(
          `[SQS -> ${config.functionName}] ${error instanceof Error ? error.message : String(error)}`,
        );
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  /** Waits for a first message (long poll), then fills the batch until the window closes. */
  private async receiveBatch(config: SqsEventSourceConfig): Promise<QueueMessage[]> {
    const { queues } = this.deps;
    const first = await queues.receive(config.queueArn, config.batchSize, 1);
    if (first.length === 0 || first.length >= config.batchSize || config.batchingWindowMs === 0)
      return first;
    const batch = [...first];
    const closesAt = Date.now() + config.batchingWindowMs;
    while (this.running && batch.length < config.batchSize && Date.now() < closesAt) {
      const more = await queues.receive(
        config.queueArn,
        config.batchSize - batch.length,
        Math.max(0.001, (closesAt - Date.now()) / 1000),
      );
      batch.push(...more);
    }
    return batch;
  }

  private settle(config: SqsEventSourceConfig, batch: QueueMessage[], outcome: InvokeOutcome) {
    if (!outcome.ok) {
      this.deps.log?.(
        `[SQS -> ${config.functionName}] ${outcome.error.errorType}: ${outcome.error.errorMessage}; ${batch.length} message(s) return after the visibility timeout`,
      );
      return;
    }
    const failed = new Set(
      config.reportBatchItemFailures
        ? (
            (outcome.result as { batchItemFailures?: { itemIdentifier?: string }[] } | null)
              ?.batchItemFailures ?? []
          ).map((f) => f.itemIdentifier)
        : [],
    );
    for (const message of batch)
      if (!failed.has(message.messageId) && message.receiptHandle !== undefined)
        this.deps.queues.delete(config.queueArn, message.receiptHandle);
  }

  private record(config: SqsEventSourceConfig, message: QueueMessage) {
    return {
      messageId: message.messageId,
      receiptHandle: message.receiptHandle,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        ApproximateFirstReceiveTimestamp: String(message.sentAt),
        ...(message.groupId !== undefined ? { MessageGroupId: message.groupId } : {}),
      },
      messageAttributes: {},
      md5OfBody: message.md5OfBody,
      eventSource: 'aws:sqs',
      eventSourceARN: config.queueArn,
      awsRegion: this.deps.region,
    };
  }
}
