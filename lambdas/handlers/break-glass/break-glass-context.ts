import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { Route53ResolverClient } from '@aws-sdk/client-route53resolver';
import { S3Client } from '@aws-sdk/client-s3';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { WAFV2Client } from '@aws-sdk/client-wafv2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Logger } from '@aws-lambda-powertools/logger';
import type { JSONWebKeySet } from 'jose';
import { randomUUID } from 'node:crypto';
import { EventBridgeAuditPublisher } from '../../adapters/audit/event-bridge-audit-publisher';
import { DynamoBreakGlassStore } from '../../adapters/break-glass/dynamo-break-glass-store';
import { Route53ResolverAllowTarget } from '../../adapters/break-glass/route53-resolver-allow-target';
import { S3OverlayTarget } from '../../adapters/break-glass/s3-overlay-target';
import { SchedulerCallbacks } from '../../adapters/break-glass/scheduler-callbacks';
import { SnsPager } from '../../adapters/break-glass/sns-pager';
import { SqsPageReceipts } from '../../adapters/break-glass/sqs-page-receipts';
import { StsRoleIssuer } from '../../adapters/break-glass/sts-role-issuer';
import { TokenVerifier } from '../../adapters/break-glass/token-verifier';
import { WafV2AllowTarget } from '../../adapters/break-glass/wafv2-allow-target';
import { assumedRoleCredentials } from '../../adapters/promotion/stage-accounts';
import {
  BREAK_GLASS_ENV,
  BreakGlassRuntimeConfigSchema,
  IDENTITY_JWKS_ENV,
} from '../../contracts/break-glass';
import type {
  BreakGlassDependencies,
  DnsFirewallAllowTarget,
  WafAllowTarget,
} from '../../core/break-glass/ports';

export class MissingConfigurationError extends Error {
  override readonly name = 'MissingConfigurationError';
}

/** An environment variable the stack must set; missing, the function fails closed. */
function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '')
    throw new MissingConfigurationError(`${name} is not set; the function's stack must set it`);
  return value;
}

export const logger = new Logger();

/** A stage with no fleet account configured: grants asking for DNS Firewall are refused earlier. */
const noDnsFirewall: DnsFirewallAllowTarget = {
  allow: () => Promise.reject(new MissingConfigurationError('no DNS Firewall target configured')),
  remove: () => Promise.resolve(),
  list: () => Promise.resolve([]),
};

/** The same for WAF: inbound grants are refused earlier; the sweep finds nothing. */
const noWaf: WafAllowTarget = {
  modify: () => Promise.reject(new MissingConfigurationError('no WAF target configured')),
  list: () => Promise.resolve([]),
};

let cached: { deps: BreakGlassDependencies; verifier: TokenVerifier } | undefined;

/**
 * The break-glass function's composition root: its own table, the page topic, the manifests
 * bucket's overlay prefix, the scheduler, STS and (last, spooled when down) the audit bus.
 * Nothing of the approval path. Built once per container, on first use; `functionArn` is the
 * function's own, which its schedules call back.
 */
export function breakGlassContext(functionArn: string) {
  if (cached !== undefined) return cached;
  const config = BreakGlassRuntimeConfigSchema.parse(JSON.parse(required(BREAK_GLASS_ENV.config)));
  const store = new DynamoBreakGlassStore({
    client: DynamoDBDocumentClient.from(new DynamoDBClient({}), {
      marshallOptions: { removeUndefinedValues: true },
    }),
    tableName: required(BREAK_GLASS_ENV.table),
  });
  const now = () => new Date();
  const sts = new STSClient({});
  const fleet = config.dnsFirewallTarget;
  // Each grant gets its own session of the fleet role (named for the grant in the fleet
  // account's CloudTrail), so its client is made per grant rather than once.
  const dnsFirewall: DnsFirewallAllowTarget =
    fleet === undefined
      ? noDnsFirewall
      : new Route53ResolverAllowTarget({
          clientFor: (sessionName) =>
            new Route53ResolverClient({
              region: fleet.region,
              credentials: assumedRoleCredentials(sts, fleet.roleArn, sessionName),
            }),
        });
  const waf: WafAllowTarget =
    fleet === undefined
      ? noWaf
      : new WafV2AllowTarget({
          clientFor: (sessionName) =>
            new WAFV2Client({
              region: fleet.region,
              credentials: assumedRoleCredentials(sts, fleet.roleArn, sessionName),
            }),
        });
  const deps: BreakGlassDependencies = {
    config,
    pager: new SnsPager({
      client: new SNSClient({}),
      topicArn: required(BREAK_GLASS_ENV.pageTopicArn),
    }),
    grants: store,
    spool: store,
    drills: store,
    overlay: new S3OverlayTarget({
      client: new S3Client({}),
      bucket: required(BREAK_GLASS_ENV.manifestsBucket),
    }),
    dnsFirewall,
    waf,
    scheduler: new SchedulerCallbacks({
      client: new SchedulerClient({}),
      group: required(BREAK_GLASS_ENV.scheduleGroup),
      roleArn: required(BREAK_GLASS_ENV.schedulerRoleArn),
      targetArn: functionArn,
    }),
    audit: new EventBridgeAuditPublisher({
      // One quick retry: when the bus is down, the spool is the way, not waiting.
      client: new EventBridgeClient({ maxAttempts: 2 }),
      busName: required(BREAK_GLASS_ENV.auditBusName),
    }),
    roles: new StsRoleIssuer({ client: sts }),
    receipts: new SqsPageReceipts({
      client: new SQSClient({}),
      queueUrl: required(BREAK_GLASS_ENV.drillReceiptQueueUrl),
      now,
    }),
    log: {
      warn: (message, details) => logger.warn(message, details),
      info: (message, details) => logger.info(message, details),
    },
    now,
    newId: () => randomUUID(),
  };
  const verifier = new TokenVerifier(JSON.parse(required(IDENTITY_JWKS_ENV)) as JSONWebKeySet, {
    issuer: config.identity.issuer,
    audience: config.identity.audience,
  });
  cached = { deps, verifier };
  return cached;
}
