import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatAccessLog } from '../apigateway/access-log';
import { LocalHttpApi, type ApiRequestRecord } from '../apigateway/local-http-api';
import { LocalIssuer } from '../apigateway/local-issuer';
import { routeAuthorizers } from '../apigateway/route-authorizers';
import { LocalAwsEndpoint } from '../aws-endpoint/local-aws-endpoint';
import { LocalMetrics } from '../cloudwatch/emf-metrics';
import { LocalDnsFirewall } from '../dns-firewall/local-dns-firewall';
import { startDynamoDbLocal, type DynamoDbLocal } from '../dynamodb-local';
import { LocalEventBuses, type RuleTarget } from '../event-buses/local-event-buses';
import { LocalSchedules, scheduleConfigs } from '../event-buses/local-schedules';
import { LocalKms, keyConfigs } from '../kms/local-kms';
import { asyncInvokeConfigs, invokeAsynchronously } from '../lambda/async-invocations';
import { LocalFunction, type InvokeOutcome } from '../lambda/local-function';
import { SqsEventSources, sqsEventSourceConfigs } from '../lambda/sqs-event-sources';
import { LocalLogs } from '../logs/local-logs';
import { LocalBuckets } from '../s3/local-buckets';
import type { LocalScheduler } from '../scheduler/local-scheduler';
import { LocalTopics } from '../sns/local-topics';
import { LocalQueues } from '../sqs/local-queues';
import { LocalParameters } from '../ssm/local-parameters';
import { LocalStateMachines } from '../stepfunctions/local-state-machines';
import type { LocalSts } from '../sts/local-sts';
import type { StackTemplate } from '../template/cloudformation';
import { buildLocalAssembly, type LocalAssembly } from '../template/local-assembly';
import { LocalWafV2 } from '../waf/local-wafv2';
import { adminHandler } from './admin-api';
import { awsServiceHandlers } from './aws-service-handlers';
import { clientEnvironmentFor } from './client-environment';
import { LocalComponents } from './components';
import { reservePort } from './ports';
import {
  bucketConfigs,
  busesOf,
  functionDefinitions,
  httpApiDefinitions,
  queueConfigs,
  ruleConfigs,
  stateMachineConfigs,
  subscriptionFilterConfigs,
  topicConfigs,
  type FunctionDefinition,
} from './resource-configs';
import { deliverToRuleTarget } from './rule-targets';
import { breakGlassStandIns, localIdentityEnvironment } from './stand-in-configs';
import { stateMachineServices } from './state-machine-services';
import { LocalStreamSources } from './stream-sources';
import { supportReport, type SupportReport } from './support-report';
import { createTables } from './tables';

export interface LocalRuntimeOptions {
  readonly stacks: readonly StackTemplate[];
  /** What `ward:entry` paths in the template are relative to. */
  readonly projectRoot: string;
  /** The issuer's key, S3 objects and the runtime's state file live here. */
  readonly stateDir: string;
  /** @default 'eu-west-2' */
  readonly region?: string;
  /** @default '000000000000' */
  readonly accountId?: string;
  /** @default a free port */
  readonly apiPort?: number;
  /** @default a free port */
  readonly awsPort?: number;
  /** An already running DynamoDB Local to use; by default the runtime starts its own. */
  readonly dynamoDbEndpoint?: string;
  /** Persist tables here; by default they live in memory. */
  readonly dataDir?: string;
  /** Where function output and runtime notices go. @default nowhere */
  readonly log?: (line: string) => void;
  /**
   * Runs once the engines answer and before table streams are turned on: data it writes (a
   * seed fleet) is as if it had been there before the stream, so no mapping sees it.
   */
  readonly beforeEventSources?: (runtime: LocalRuntime) => Promise<void>;
}

/**
 * Ward's stack on one machine: the synthesized templates run on local engines (DynamoDB Local,
 * Lambda handlers from source, the HTTP API with its JWT authorizer, state machines on
 * aws-local-stepfunctions, buses, topics, queues and buckets), reached through the SDK's own
 * endpoint settings so production code runs unchanged.
 */
export class LocalRuntime {
  readonly startedAt = new Date();
  readyInMs = 0;
  readonly functions = new Map<string, LocalFunction>();
  readonly apiRequests: ApiRequestRecord[] = [];
  readonly apis: LocalHttpApi[] = [];
  private dynamoDb: DynamoDbLocal | undefined;
  private endpoint: LocalAwsEndpoint | undefined;
  private readonly definitions: FunctionDefinition[];
  readonly queues: LocalQueues;
  readonly topics: LocalTopics;
  readonly buckets: LocalBuckets;
  /** Promotion targets with no local engine: stand-ins that keep WAF's and DNS Firewall's contracts. */
  readonly waf = new LocalWafV2();
  readonly dnsFirewall = new LocalDnsFirewall();
  /** Break glass's engines without a local one: STS for emergency roles, Scheduler for expiry. */
  readonly sts: LocalSts;
  readonly scheduler: LocalScheduler;
  /** Parts of the stack that tests stop and start (`/_ward/components`). */
  readonly components: LocalComponents;
  /** KMS signing keys (the audit archive's digests), EventBridge rules on a schedule (not
   * Scheduler's one-time schedules, above) and SQS pollers. */
  readonly kms: LocalKms;
  readonly schedules: LocalSchedules;
  readonly sqsEventSources: SqsEventSources;
  readonly buses: LocalEventBuses;
  readonly stateMachines: LocalStateMachines;
  readonly logs: LocalLogs;
  readonly report: SupportReport;
  /** Parameter Store, the metrics functions print (EMF), and event source mappings on streams. */
  readonly parameters: LocalParameters;
  readonly metrics = new LocalMetrics();
  readonly streams: LocalStreamSources;
  private readonly asyncConfigs: ReturnType<typeof asyncInvokeConfigs>;

  private constructor(
    readonly options: LocalRuntimeOptions,
    readonly assembly: LocalAssembly,
    readonly urls: {
      readonly apiUrl: string;
      readonly awsEndpoint: string;
      dynamoDbEndpoint: string;
    },
    readonly issuer: LocalIssuer,
  ) {
    const region = options.region ?? 'eu-west-2';
    const accountId = options.accountId ?? '000000000000';
    this.definitions = functionDefinitions(assembly, options.projectRoot);
    this.parameters = new LocalParameters({ region, accountId });
    this.streams = new LocalStreamSources(assembly);
    this.asyncConfigs = asyncInvokeConfigs(assembly);
    this.queues = new LocalQueues(queueConfigs(assembly));
    this.topics = new LocalTopics(topicConfigs(assembly), {
      toQueue: (queueArn, body) => void this.queues.send(queueArn, { body }),
      toFunction: (functionArn, event) => this.invokeAsync(functionArn, event, 'SNS'),
    });
    this.buckets = new LocalBuckets(bucketConfigs(assembly), join(options.stateDir, 's3'));
    this.logs = new LocalLogs(
      subscriptionFilterConfigs(assembly),
      (functionArn, event) => this.invokeAsync(functionArn, event, 'CloudWatch Logs'),
      accountId,
    );
    this.buses = new LocalEventBuses(
      busesOf(assembly, { region, accountId }),
      ruleConfigs(assembly),
      {
        deliver: (target, input) => this.deliverToTarget(target, input),
        deadLetter: (arn, body, attributes) => void this.queues.send(arn, { body, attributes }),
      },
      { region, accountId },
    );
    const env = { region, accountId };
    this.kms = new LocalKms(keyConfigs(assembly), join(options.stateDir, 'kms'), env);
    const scheduled = scheduleConfigs(assembly);
    this.schedules = new LocalSchedules(
      scheduled.schedules,
      (t, i) => this.deliverToTarget(t, i),
      env,
      options.log,
    );
    this.sqsEventSources = new SqsEventSources(sqsEventSourceConfigs(assembly), {
      queues: this.queues,
      invoke: (name, event) => this.invoke(name, event),
      concurrencyOf: (name) => this.functions.get(name)?.config.maxConcurrency ?? 4,
      region,
      ...(options.log ? { log: options.log } : {}),
    });
    this.stateMachines = new LocalStateMachines(
      stateMachineConfigs(assembly),
      stateMachineServices({
        invoke: (arn, payload) => this.invoke(arn, payload),
        buses: () => this.buses,
        topics: this.topics,
        queues: this.queues,
        stateMachines: () => this.stateMachines,
        dynamoDbEndpoint: () => this.urls.dynamoDbEndpoint,
        region,
      }),
      region,
      accountId,
    );
    ({ sts: this.sts, scheduler: this.scheduler } = breakGlassStandIns(assembly, this, {
      region,
      accountId,
    }));
    this.components = new LocalComponents(this);
    this.report = supportReport(assembly, [
      ...this.logs.unsupported,
      ...scheduled.unsupported,
      ...this.streams.unsupported,
      ...this.stateMachines.unsupported.map(
        (u) => `state machine ${u.stateMachine}: ${u.reason}; StartExecution is refused`,
      ),
      ...this.definitions
        .filter((d) => d.entry === undefined)
        .map(
          (d) =>
            `function ${d.name}: not built with WardFunction (no ward:entry), so it cannot run from source; invoking it fails`,
        ),
    ]);
  }

  /** Starts every engine; resolves when all answer. */
  static async start(options: LocalRuntimeOptions): Promise<LocalRuntime> {
    const started = Date.now();
    const region = options.region ?? 'eu-west-2';
    const accountId = options.accountId ?? '000000000000';
    mkdirSync(options.stateDir, { recursive: true });
    const [apiPort, awsPort] = await Promise.all([
      reservePort(options.apiPort, 'HTTP API'),
      reservePort(options.awsPort, 'AWS endpoint'),
    ]);
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const awsEndpoint = `http://127.0.0.1:${awsPort}`;
    const assembly = buildLocalAssembly(options.stacks, {
      region,
      accountId,
      awsEndpoint,
      apiEndpoint: apiUrl,
    });
    const [issuer, dynamoDb] = await Promise.all([
      LocalIssuer.loadOrCreate(join(options.stateDir, 'issuer-key.json')),
      options.dynamoDbEndpoint === undefined
        ? startDynamoDbLocal(options.dataDir !== undefined ? { dataDir: options.dataDir } : {})
        : Promise.resolve(undefined),
    ]);
    const runtime = new LocalRuntime(
      options,
      assembly,
      {
        apiUrl,
        awsEndpoint,
        dynamoDbEndpoint: options.dynamoDbEndpoint ?? dynamoDb?.endpoint ?? '',
      },
      issuer,
    );
    runtime.dynamoDb = dynamoDb;
    try {
      await createTables(runtime.assembly, runtime.dynamoDbEndpoint, region);
      runtime.startFunctions(region);
      await runtime.serve(apiPort, awsPort);
      await options.beforeEventSources?.(runtime);
      await runtime.streams.start({
        dynamoDbEndpoint: runtime.dynamoDbEndpoint,
        region,
        invoke: (arn, event) => runtime.invoke(arn, event),
        sendToQueue: (arn, body) => void runtime.queues.send(arn, { body }),
        ...(options.log !== undefined ? { log: options.log } : {}),
      });
      runtime.sqsEventSources.start();
      runtime.schedules.start();
    } catch (error) {
      await runtime.stop();
      throw error;
    }
    runtime.readyInMs = Date.now() - started;
    return runtime;
  }

  get apiUrl(): string {
    return this.urls.apiUrl;
  }

  get awsEndpoint(): string {
    return this.urls.awsEndpoint;
  }

  get dynamoDbEndpoint(): string {
    return this.urls.dynamoDbEndpoint;
  }

  /** The environment an SDK client needs to reach this runtime (what functions get too). */
  clientEnvironment(): Record<string, string> {
    return clientEnvironmentFor({
      region: this.options.region ?? 'eu-west-2',
      awsEndpoint: this.awsEndpoint,
      dynamoDbEndpoint: this.dynamoDbEndpoint,
    });
  }

  /** Invokes a function by ARN or name and waits for its result (RequestResponse). */
  async invoke(functionArnOrName: string, payload: unknown): Promise<InvokeOutcome> {
    const fn = this.functionOf(functionArnOrName);
    if (fn === undefined)
      return {
        ok: false,
        error: {
          errorType: 'ResourceNotFoundException',
          errorMessage: `Function not found: ${functionArnOrName}`,
          trace: [],
        },
      };
    if (typeof fn === 'string')
      return {
        ok: false,
        error: { errorType: 'Runtime.NotSupportedLocally', errorMessage: fn, trace: [] },
      };
    return fn.invoke(payload);
  }

  async stop(): Promise<void> {
    this.scheduler.stop();
    this.schedules.stop();
    await this.sqsEventSources.stop();
    this.stateMachines.stopAll();
    await this.streams.stop();
    await this.buses.settled();
    await Promise.all([
      ...this.apis.map((api) => api.close()),
      this.endpoint?.close(),
      ...[...this.functions.values()].map((f) => f.stop()),
    ]);
    await this.dynamoDb?.stop();
  }

  private functionOf(reference: string): LocalFunction | string | undefined {
    const unqualified = reference.replace(
      /^(arn:aws:lambda:[^:]*:[^:]*:function:[^:]+):[^:]+$/,
      '$1',
    );
    const definition = this.definitions.find(
      (d) => d.arn === unqualified || d.name === unqualified,
    );
    if (definition === undefined) return undefined;
    return (
      this.functions.get(definition.name) ??
      `function ${definition.name} cannot run locally: it has no ward:entry metadata`
    );
  }

  private invokeAsync(functionArn: string, event: unknown, source: string): void {
    void invokeAsynchronously(this.asyncConfigs.get(functionArn), functionArn, event, {
      invoke: (arn, payload) => this.invoke(arn, payload),
      sendToQueue: (arn, body) => void this.queues.send(arn, { body }),
    }).then((outcome) => {
      if (!outcome.ok)
        this.options.log?.(
          `[${source} -> ${functionArn}] ${outcome.error.errorType}: ${outcome.error.errorMessage}`,
        );
    });
  }

  private deliverToTarget(target: RuleTarget, input: string): Promise<void> {
    return deliverToRuleTarget(target, input, {
      invokeAsync: (arn, event) => this.invokeAsync(arn, event, 'EventBridge'),
      stateMachines: this.stateMachines,
      topics: this.topics,
      queues: this.queues,
    });
  }

  private startFunctions(region: string): void {
    const baseEnvironment = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      TMPDIR: process.env.TMPDIR ?? '/tmp',
      TZ: 'UTC',
      ...this.clientEnvironment(),
    };
    for (const definition of this.definitions) {
      if (definition.entry === undefined) continue;
      this.functions.set(
        definition.name,
        new LocalFunction({
          name: definition.name,
          arn: definition.arn,
          entry: definition.entry,
          handlerName: definition.handlerName,
          timeoutMs: definition.timeoutMs,
          memoryMb: definition.memoryMb,
          ...(definition.reservedConcurrency !== undefined
            ? { maxConcurrency: definition.reservedConcurrency }
            : {}),
          environment: {
            ...baseEnvironment,
            AWS_LAMBDA_FUNCTION_NAME: definition.name,
            AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(definition.memoryMb),
            AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
            AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs_local',
            AWS_REGION: region,
            ...definition.environment,
            ...localIdentityEnvironment(definition.environment, this.issuer),
          },
          onLog: (name, line) => {
            this.metrics.record(name, line);
            this.options.log?.(`[${name}] ${line}`);
          },
        }),
      );
    }
  }

  private async serve(apiPort: number, awsPort: number): Promise<void> {
    const definitions = httpApiDefinitions(this.assembly);
    for (const [index, definition] of definitions.entries()) {
      const authorizers = routeAuthorizers(definition.authorizers, {
        jwks: this.issuer.jwks(),
        invoke: (arn, event) => this.invoke(arn, event),
        region: this.options.region ?? 'eu-west-2',
        accountId: this.options.accountId ?? '000000000000',
        apiId: definition.apiId,
      });
      const api = new LocalHttpApi(
        { name: definition.name, apiId: definition.apiId, routes: definition.routes, authorizers },
        (arn, event) => this.invoke(arn, event),
        {
          accountId: this.options.accountId ?? '000000000000',
          onRequest: (record) => {
            this.apiRequests.push(record);
            if (definition.accessLog !== undefined)
              this.logs.write(
                definition.accessLog.logGroupName,
                formatAccessLog(definition.accessLog.format, record),
              );
          },
        },
      );
      // The first API gets the runtime's API port; others, if any, the next free ones.
      await api.listen(
        index === 0 ? apiPort : await reservePort(undefined, `HTTP API ${definition.name}`),
      );
      this.apis.push(api);
    }
    this.endpoint = new LocalAwsEndpoint(
      awsServiceHandlers({
        stateMachines: this.stateMachines,
        buses: this.buses,
        queues: this.queues,
        topics: this.topics,
        buckets: this.buckets,
        waf: this.waf,
        dnsFirewall: this.dnsFirewall,
        sts: this.sts,
        scheduler: this.scheduler,
        kms: this.kms,
        parameters: this.parameters,
        invoke: (name, payload) => this.invoke(name, payload),
      }),
      adminHandler(this),
    );
    await this.endpoint.listen(awsPort);
  }
}
