import { join } from 'node:path';
import {
  FUNCTION_ENTRY_METADATA,
  FUNCTION_HANDLER_METADATA,
} from '../../lambdas/contracts/function-metadata';
import type { AuthorizerDefinition } from '../apigateway/route-authorizers';
import type { RouteConfig } from '../apigateway/routes';
import type { SubscriptionFilterConfig } from '../logs/local-logs';
import type { RuleConfig, RuleTarget } from '../event-buses/local-event-buses';
import { parseEventPattern } from '../eventbridge/event-pattern';
import type { BucketConfig } from '../s3/local-buckets';
import type { TopicConfig } from '../sns/local-topics';
import type { QueueConfig } from '../sqs/local-queues';
import type { StateMachineConfig } from '../stepfunctions/local-state-machines';
import type { LocalAssembly, LocalResource } from '../template/local-assembly';
import { textOf } from '../template/values';

/** A function as the template defines it, and where its source is. */
export interface FunctionDefinition {
  readonly resource: LocalResource;
  readonly name: string;
  readonly arn: string;
  /** Absent when the function was not built by WardFunction (a CDK-provided custom resource, say). */
  readonly entry?: string;
  readonly handlerName: string;
  readonly environment: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly memoryMb: number;
  /** ReservedConcurrentExecutions: at most this many invocations run at once. */
  readonly reservedConcurrency?: number;
}

export interface HttpApiDefinition {
  readonly apiId: string;
  readonly name: string;
  /** Where the stage writes access logs, and in what format. */
  readonly accessLog?: { readonly logGroupName: string; readonly format: string };
  readonly routes: RouteConfig[];
  readonly authorizers: Map<string, AuthorizerDefinition>;
}

const props = (resource: LocalResource) => resource.properties as Record<string, unknown>;

export function functionDefinitions(
  assembly: LocalAssembly,
  projectRoot: string,
): FunctionDefinition[] {
  return assembly.ofType('AWS::Lambda::Function').map((resource) => {
    const p = props(resource);
    const entry = resource.metadata[FUNCTION_ENTRY_METADATA];
    const handler = resource.metadata[FUNCTION_HANDLER_METADATA];
    return {
      resource,
      name: resource.values.ref,
      arn: resource.values.attributes.Arn ?? '',
      ...(typeof entry === 'string' ? { entry: join(projectRoot, entry) } : {}),
      handlerName: typeof handler === 'string' ? handler : 'handler',
      environment: Object.fromEntries(
        Object.entries(
          (p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {},
        ).map(([k, v]) => [k, String(v)]),
      ),
      timeoutMs: Number(p.Timeout ?? 3) * 1000,
      memoryMb: Number(p.MemorySize ?? 128),
      ...(p.ReservedConcurrentExecutions !== undefined
        ? { reservedConcurrency: Number(p.ReservedConcurrentExecutions) }
        : {}),
    };
  });
}

export function queueConfigs(assembly: LocalAssembly): QueueConfig[] {
  return assembly.ofType('AWS::SQS::Queue').map((resource) => {
    const p = props(resource);
    const redrive = p.RedrivePolicy as
      { deadLetterTargetArn?: string; maxReceiveCount?: number } | undefined;
    return {
      name: resource.values.attributes.QueueName ?? resource.logicalId,
      arn: resource.values.attributes.Arn ?? '',
      url: resource.values.ref,
      fifo: p.FifoQueue === true,
      contentBasedDeduplication: p.ContentBasedDeduplication === true,
      visibilityTimeoutSeconds: Number(p.VisibilityTimeout ?? 30),
      ...(redrive?.deadLetterTargetArn
        ? {
            redrive: {
              deadLetterTargetArn: redrive.deadLetterTargetArn,
              maxReceiveCount: Number(redrive.maxReceiveCount ?? 1),
            },
          }
        : {}),
    };
  });
}

export function topicConfigs(assembly: LocalAssembly): TopicConfig[] {
  const subscriptions = assembly
    .ofType('AWS::SNS::Subscription')
    .map((resource) => ({ resource, p: props(resource) }));
  return assembly.ofType('AWS::SNS::Topic').map((resource) => ({
    name: resource.values.attributes.TopicName ?? resource.logicalId,
    arn: resource.values.ref,
    subscriptions: subscriptions
      .filter(({ p }) => p.TopicArn === resource.values.ref)
      .map(({ resource: sub, p }) => ({
        arn: sub.values.ref,
        protocol: String(p.Protocol),
        endpoint: String(p.Endpoint),
        rawMessageDelivery: p.RawMessageDelivery === true || p.RawMessageDelivery === 'true',
      })),
  }));
}

export function bucketConfigs(assembly: LocalAssembly): BucketConfig[] {
  return assembly.ofType('AWS::S3::Bucket').map((resource) => {
    const lock = props(resource).ObjectLockConfiguration as
      | { Rule?: { DefaultRetention?: { Mode?: string; Days?: number; Years?: number } } }
      | undefined;
    const retention = lock?.Rule?.DefaultRetention;
    return {
      name: resource.values.ref,
      versioned:
        (props(resource).VersioningConfiguration as { Status?: string } | undefined)?.Status ===
        'Enabled',
      ...(retention?.Mode === 'COMPLIANCE' || retention?.Mode === 'GOVERNANCE'
        ? {
            objectLock: {
              mode: retention.Mode,
              days: Number(retention.Days ?? 0) + Number(retention.Years ?? 0) * 365,
            },
          }
        : {}),
    };
  });
}

export function stateMachineConfigs(assembly: LocalAssembly): StateMachineConfig[] {
  return assembly.ofType('AWS::StepFunctions::StateMachine').map((resource) => {
    const p = props(resource);
    const definition =
      typeof p.DefinitionString === 'string'
        ? (JSON.parse(p.DefinitionString) as Record<string, unknown>)
        : ((p.Definition ?? {}) as Record<string, unknown>);
    return {
      name: resource.values.attributes.Name ?? resource.logicalId,
      arn: resource.values.ref,
      definition,
    };
  });
}

export function busesOf(
  assembly: LocalAssembly,
  env: { region: string; accountId: string },
): { name: string; arn: string }[] {
  // Every account has a default bus: AWS services deliver their events (CloudTrail's) there.
  const defaultBus = {
    name: 'default',
    arn: `arn:aws:events:${env.region}:${env.accountId}:event-bus/default`,
  };
  return [
    defaultBus,
    ...assembly.ofType('AWS::Events::EventBus').map((resource) => ({
      name: resource.values.ref,
      arn: resource.values.attributes.Arn ?? '',
    })),
  ];
}

export function ruleConfigs(assembly: LocalAssembly): RuleConfig[] {
  // Scheduled rules are listed as not run at start-up (support-report.ts); they route no events.
  const routing = assembly
    .ofType('AWS::Events::Rule')
    .filter((resource) => props(resource).EventPattern !== undefined);
  return routing.map((resource) => {
    const p = props(resource);
    const busReference = textOf(p.EventBusName ?? 'default');
    const bus = assembly.byArn(busReference);
    return {
      name: resource.values.ref,
      arn: resource.values.attributes.Arn ?? '',
      busName: bus?.values.ref ?? busReference,
      pattern: parseEventPattern(p.EventPattern),
      enabled: (p.State ?? 'ENABLED') === 'ENABLED',
      targets: ((p.Targets ?? []) as Record<string, unknown>[]).map((t): RuleTarget => ({
        id: String(t.Id),
        arn: String(t.Arn),
        ...(t.Input !== undefined ? { input: textOf(t.Input) } : {}),
        ...(t.InputPath !== undefined ? { inputPath: textOf(t.InputPath) } : {}),
        ...(t.InputTransformer !== undefined
          ? { inputTransformer: t.InputTransformer as RuleTarget['inputTransformer'] & object }
          : {}),
        ...((t.DeadLetterConfig as { Arn?: string } | undefined)?.Arn
          ? { deadLetterArn: (t.DeadLetterConfig as { Arn: string }).Arn }
          : {}),
        ...((t.SqsParameters as { MessageGroupId?: string } | undefined)?.MessageGroupId
          ? { sqsMessageGroupId: (t.SqsParameters as { MessageGroupId: string }).MessageGroupId }
          : {}),
      })),
    };
  });
}

export function httpApiDefinitions(assembly: LocalAssembly): HttpApiDefinition[] {
  return assembly.ofType('AWS::ApiGatewayV2::Api').map((api) => {
    const ofApi = (type: string) =>
      assembly.ofType(type).filter((r) => props(r).ApiId === api.values.ref);
    const integrations = new Map(
      ofApi('AWS::ApiGatewayV2::Integration').map((r) => [r.values.ref, props(r)]),
    );
    const authorizers = new Map(
      ofApi('AWS::ApiGatewayV2::Authorizer').flatMap((r): [string, AuthorizerDefinition][] => {
        const p = props(r);
        const sources = ((p.IdentitySource as string[] | undefined) ?? []).map(String);
        if (p.AuthorizerType === 'JWT') {
          const jwt = p.JwtConfiguration as { Issuer: string; Audience?: string[] };
          return [
            [
              r.values.ref,
              {
                type: 'JWT',
                issuer: jwt.Issuer,
                audience: jwt.Audience ?? [],
                identitySource: sources[0] ?? '$request.header.Authorization',
              },
            ],
          ];
        }
        // Lambda REQUEST authorizers with payload format 2.0; others are listed as not run.
        const uri = /functions\/(arn:[^/]+)\/invocations$/.exec(textOf(p.AuthorizerUri ?? ''));
        if (p.AuthorizerType !== 'REQUEST' || p.AuthorizerPayloadFormatVersion !== '2.0' || !uri)
          return [];
        return [
          [
            r.values.ref,
            {
              type: 'REQUEST',
              functionArn: uri[1] ?? '',
              identitySource: sources,
              simpleResponses: p.EnableSimpleResponses === true,
              resultTtlSeconds: Number(p.AuthorizerResultTtlInSeconds ?? 0),
            },
          ],
        ];
      }),
    );
    const routes = ofApi('AWS::ApiGatewayV2::Route').flatMap((r): RouteConfig[] => {
      const p = props(r);
      const integration = integrations.get(textOf(p.Target ?? '').replace(/^integrations\//, ''));
      if (integration === undefined || integration.IntegrationType !== 'AWS_PROXY') return [];
      // A route whose authorizer the runtime cannot run is not served (404), never served open.
      const authorization = textOf(p.AuthorizationType ?? 'NONE');
      const authorizer = textOf(p.AuthorizerId ?? '');
      if (authorization !== 'NONE' && !authorizers.has(authorizer)) return [];
      return [
        {
          routeKey: String(p.RouteKey),
          functionArn: String(integration.IntegrationUri),
          ...(authorization !== 'NONE' ? { authorizer } : {}),
          authorizationScopes: ((p.AuthorizationScopes ?? []) as unknown[]).map(String),
        },
      ];
    });
    const settings = ofApi('AWS::ApiGatewayV2::Stage')
      .map(
        (stage) =>
          props(stage).AccessLogSettings as
            { DestinationArn?: string; Format?: string } | undefined,
      )
      .find((access) => access?.DestinationArn !== undefined);
    const logGroup =
      settings?.DestinationArn === undefined ? undefined : assembly.byArn(settings.DestinationArn);
    return {
      apiId: api.values.ref,
      name: textOf(props(api).Name ?? api.logicalId),
      routes,
      authorizers,
      ...(logGroup !== undefined && settings?.Format !== undefined
        ? { accessLog: { logGroupName: logGroup.values.ref, format: settings.Format } }
        : {}),
    };
  });
}

export function subscriptionFilterConfigs(assembly: LocalAssembly): SubscriptionFilterConfig[] {
  return assembly.ofType('AWS::Logs::SubscriptionFilter').map((resource) => {
    const p = props(resource);
    return {
      name: textOf(p.FilterName ?? resource.logicalId),
      logGroupName: textOf(p.LogGroupName),
      pattern: textOf(p.FilterPattern ?? ''),
      destinationArn: textOf(p.DestinationArn),
    };
  });
}
