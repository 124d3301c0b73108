import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { tableDefinition } from '../cloudformation-tables';
import type { InvokeOutcome } from '../lambda/local-function';
import {
  StreamEventSource,
  parseFilters,
  type StreamMappingConfig,
} from '../lambda/stream-event-sources';
import type { LocalAssembly } from '../template/local-assembly';
import { textOf } from '../template/values';

/**
 * The template's event source mappings on DynamoDB tables' streams. Mappings on other sources
 * (SQS, Kinesis) are listed as not run.
 */
export function streamMappingConfigs(assembly: LocalAssembly): {
  mappings: StreamMappingConfig[];
  unsupported: string[];
} {
  const mappings: StreamMappingConfig[] = [];
  const unsupported: string[] = [];
  for (const resource of assembly.ofType('AWS::Lambda::EventSourceMapping')) {
    const p = resource.properties;
    const source = textOf(p.EventSourceArn ?? '');
    const table = assembly
      .ofType('AWS::DynamoDB::Table')
      .find((t) => t.values.attributes.StreamArn === source);
    const fn = assembly.byArn(textOf(p.FunctionName ?? ''));
    if (table === undefined || fn === undefined) {
      unsupported.push(
        `${resource.stackName}/${resource.logicalId}: event source mappings on ${source} are not run locally`,
      );
      continue;
    }
    const destination = (
      p.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined
    )?.OnFailure?.Destination;
    mappings.push({
      name: resource.logicalId,
      functionArn: fn.values.attributes.Arn ?? fn.values.ref,
      eventSourceArn: source,
      tableName: table.values.ref,
      batchSize: Number(p.BatchSize ?? 100),
      startingPosition: p.StartingPosition === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON',
      maximumRetryAttempts: Number(p.MaximumRetryAttempts ?? -1),
      bisectBatchOnFunctionError: p.BisectBatchOnFunctionError === true,
      ...(destination !== undefined ? { onFailureArn: textOf(destination) } : {}),
      filters: parseFilters(p.FilterCriteria),
      maximumBatchingWindowSeconds: Number(p.MaximumBatchingWindowInSeconds ?? 0),
      enabled: p.Enabled !== false,
    });
  }
  return { mappings, unsupported };
}

/**
 * The runtime's table streams and the mappings that read them. Tables are created without
 * their streams; `start` turns each template stream on (so data the runtime loaded first, its
 * seed, is as if it had been there before the stream) and starts every mapping.
 */
export class LocalStreamSources {
  readonly sources: StreamEventSource[] = [];
  readonly unsupported: readonly string[];
  private readonly configs: StreamMappingConfig[];
  private readonly clients: { destroy(): void }[] = [];

  constructor(private readonly assembly: LocalAssembly) {
    const { mappings, unsupported } = streamMappingConfigs(assembly);
    this.configs = mappings;
    this.unsupported = unsupported;
  }

  async start(deps: {
    readonly dynamoDbEndpoint: string;
    readonly region: string;
    readonly invoke: (functionArn: string, event: unknown) => Promise<InvokeOutcome>;
    readonly sendToQueue: (queueArn: string, body: string) => void;
    readonly log?: (line: string) => void;
  }): Promise<void> {
    const config = {
      endpoint: deps.dynamoDbEndpoint,
      region: deps.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    };
    const dynamo = new DynamoDBClient(config);
    const streams = new DynamoDBStreamsClient(config);
    this.clients.push(dynamo, streams);
    for (const resource of this.assembly.ofType('AWS::DynamoDB::Table')) {
      const { stream } = tableDefinition(resource.logicalId, resource.properties);
      if (stream !== undefined)
        await StreamEventSource.enableStream(dynamo, resource.values.ref, stream);
    }
    for (const mapping of this.configs) {
      const source = new StreamEventSource(mapping, { ...deps, dynamo, streams });
      await source.start();
      this.sources.push(source);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.sources.map((source) => source.stop()));
    for (const client of this.clients) client.destroy();
  }

  /** Resolves once every mapping delivered what its stream held when asked. */
  async drained(timeoutMs?: number): Promise<void> {
    await Promise.all(this.sources.map((source) => source.drained(timeoutMs)));
  }
}
