import { handleJson } from '../aws-endpoint/json-protocol';
import type { ServiceHandler } from '../aws-endpoint/local-aws-endpoint';
import { handleLambda } from '../aws-endpoint/lambda-rest-json-protocol';
import { handleRoute53Resolver } from '../aws-endpoint/route53resolver-json-protocol';
import { handleS3 } from '../aws-endpoint/s3-rest-protocol';
import { handleScheduler } from '../aws-endpoint/scheduler-rest-json-protocol';
import { handleSnsQuery } from '../aws-endpoint/sns-query-protocol';
import { handleStsQuery } from '../aws-endpoint/sts-query-protocol';
import { handleWafV2 } from '../aws-endpoint/wafv2-json-protocol';
import type { LocalDnsFirewall } from '../dns-firewall/local-dns-firewall';
import type { LocalEventBuses } from '../event-buses/local-event-buses';
import type { LocalKms } from '../kms/local-kms';
import type { InvokeOutcome } from '../lambda/local-function';
import type { LocalBuckets } from '../s3/local-buckets';
import type { LocalScheduler } from '../scheduler/local-scheduler';
import type { LocalTopics } from '../sns/local-topics';
import { ssmOperations, type LocalParameters } from '../ssm/local-parameters';
import type { LocalQueues } from '../sqs/local-queues';
import type { LocalStateMachines } from '../stepfunctions/local-state-machines';
import type { LocalSts } from '../sts/local-sts';
import type { LocalWafV2 } from '../waf/local-wafv2';
import {
  eventBridgeOperations,
  sqsOperations,
  stepFunctionsOperations,
} from './service-operations';

/** The runtime's engines and stand-ins that answer AWS API calls. */
export interface AwsServiceEngines {
  readonly stateMachines: LocalStateMachines;
  readonly buses: LocalEventBuses;
  readonly queues: LocalQueues;
  readonly topics: LocalTopics;
  readonly buckets: LocalBuckets;
  readonly waf: LocalWafV2;
  readonly dnsFirewall: LocalDnsFirewall;
  readonly sts: LocalSts;
  readonly scheduler: LocalScheduler;
  readonly kms: LocalKms;
  readonly parameters: LocalParameters;
  readonly invoke: (name: string, payload: unknown) => Promise<InvokeOutcome>;
}

/**
 * Each service the AWS endpoint answers, by the name its requests are signed for, with the
 * wire protocol the SDK speaks to it (JSON 1.0/1.1, REST-JSON, Query, S3's REST).
 */
export function awsServiceHandlers(engines: AwsServiceEngines): Record<string, ServiceHandler> {
  const states = stepFunctionsOperations(engines.stateMachines);
  const events = eventBridgeOperations(engines.buses);
  const sqs = sqsOperations(engines.queues);
  return {
    states: (request) => handleJson(request, '1.0', states),
    events: (request) => handleJson(request, '1.1', events),
    sqs: (request) => handleJson(request, '1.0', sqs),
    sns: (request) => handleSnsQuery(request, engines.topics),
    s3: (request) => handleS3(request, engines.buckets),
    wafv2: (request) => handleWafV2(request, engines.waf),
    route53resolver: (request) => handleRoute53Resolver(request, engines.dnsFirewall),
    sts: (request) => handleStsQuery(request, engines.sts),
    scheduler: (request) => handleScheduler(request, engines.scheduler),
    lambda: (request) => handleLambda(request, engines.invoke),
    kms: (request) => handleJson(request, '1.1', engines.kms.operations()),
    ssm: (request) => handleJson(request, '1.1', ssmOperations(engines.parameters)),
  };
}
