import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { EventBridgeAuditPublisher } from '../adapters/audit/event-bridge-audit-publisher';
import { S3BundleStore } from '../adapters/bundles/s3-bundle-store';
import { DnsFirewallTarget } from '../adapters/promotion/dns-firewall-target';
import { S3ManifestTarget } from '../adapters/promotion/s3-manifest-target';
import { StageAccounts } from '../adapters/promotion/stage-accounts';
import { WafV2Target } from '../adapters/promotion/wafv2-target';
import { DynamoStageRecords } from '../adapters/stages/dynamo-stage-records';
import { StepFunctionsApprovalWorkflow } from '../adapters/workflow/step-functions-approval-workflow';
import { StepFunctionsPromotions } from '../adapters/workflow/step-functions-promotions';
import { PROMOTION_ENV, PromotionTargetsSchema } from '../contracts/promotion-contracts';
import type { GateDependencies } from '../core/promotion/use-cases/gate-steps';
import type { StartDependencies } from '../core/promotion/use-cases/start-promotion';
import { required } from './approvals-context';

type Dependencies = GateDependencies & StartDependencies & { readonly bundles: S3BundleStore };
let cached: Partial<Record<keyof Dependencies, unknown>> = {};
const once = <T>(key: keyof Dependencies, make: () => T): T => (cached[key] ??= make()) as T;
let sfn: SFNClient | undefined;
let s3: S3Client | undefined;

/**
 * The composition root of the promotion functions and routes: each client made once per
 * container, on first use, so a function needs only the environment of what it touches. The
 * targets, in the order they are applied: the S3 manifests for GitOps (Ward's own bucket),
 * then each fleet stage's WAFv2 and Route 53 Resolver DNS Firewall, reached through the role
 * the function may assume in that stage's account.
 */
export const promotionDeps: Dependencies = {
  get records() {
    return once(
      'records',
      () =>
        new DynamoStageRecords({
          client: DynamoDBDocumentClient.from(new DynamoDBClient({}), {
            marshallOptions: { removeUndefinedValues: true },
          }),
          tableName: required(PROMOTION_ENV.registryTable),
        }),
    );
  },
  get targets() {
    return once('targets', () => {
      const bucket = required(PROMOTION_ENV.manifestsBucket);
      const accounts = new StageAccounts(
        PromotionTargetsSchema.parse(JSON.parse(required(PROMOTION_ENV.targets))),
        new STSClient({}),
        // CloudTrail in the stage account shows which Ward function acted.
        `ward-${(process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'promotion').slice(-56)}`.replace(
          /[^\w+=,.@-]/g,
          '-',
        ),
      );
      s3 ??= new S3Client({});
      const client = s3;
      return [
        new S3ManifestTarget({ locationFor: () => ({ client, bucket }) }),
        new WafV2Target({ clientsFor: (stage) => accounts.wafFor(stage) }),
        new DnsFirewallTarget({ clientFor: (stage) => accounts.dnsFirewallFor(stage) }),
      ];
    });
  },
  get bundles() {
    return once('bundles', () => {
      s3 ??= new S3Client({});
      return new S3BundleStore({ client: s3, bucket: required(PROMOTION_ENV.bundleBucket) });
    });
  },
  get audit() {
    return once(
      'audit',
      () =>
        new EventBridgeAuditPublisher({
          client: new EventBridgeClient({}),
          busName: required(PROMOTION_ENV.auditBusName),
        }),
    );
  },
  get workflow() {
    return once(
      'workflow',
      () =>
        new StepFunctionsApprovalWorkflow({
          client: (sfn ??= new SFNClient({})),
          stateMachineArn: process.env[PROMOTION_ENV.promotionWorkflowArn],
        }),
    );
  },
  get starter() {
    return once(
      'starter',
      () =>
        new StepFunctionsPromotions({
          client: (sfn ??= new SFNClient({})),
          stateMachineArn: required(PROMOTION_ENV.promotionWorkflowArn),
        }),
    );
  },
  now: () => new Date(),
  newId: () => randomUUID(),
};

/** For tests of the composition root only. */
export function resetPromotionDepsForTests(): void {
  cached = {};
  s3 = undefined;
  sfn = undefined;
}
