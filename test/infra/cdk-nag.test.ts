import { Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { STAGES } from '../../lambdas/contracts/stages';
import { loadPipelineSettings, loadStageConfigs } from '../../lib/config/stages';
import { wardFleetAccessStackName } from '../../lib/fleet-access/fleet-access-plan';
import { addFleetAccessStacks } from '../../lib/fleet-access/ward-fleet-access-stack';
import { wardServicesStackName } from '../../lib/ward-services-stack';
import { wardStackName } from '../../lib/ward-stack';
import { shippedConfig, testApp, wardStacks } from './support/ward-app';

/**
 * cdk-nag 3 is a policy-validation plugin: it reports violations, it no longer writes
 * annotations, so `Annotations.fromStack(...).findError('*', /AwsSolutions-/)` would find
 * nothing whatever the stack holds. These tests read the plugin's own report instead.
 */
interface Finding {
  readonly rule: string;
  readonly severity: string;
  readonly paths: readonly string[];
}

/** The AwsSolutions findings for `stack`, acknowledged ones left out (as at synth). */
function awsSolutionsFindings(stack: Stack): Finding[] {
  // Synthesize first so aspects and lazy values have run, as they have when the plugin runs.
  Template.fromStack(stack);
  const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);
  return report.violations.map((v) => ({
    rule: v.ruleName,
    severity: v.severity ?? 'unknown',
    paths: v.violatingResources.map((r) => r.constructPath ?? r.resourceLogicalId ?? '?'),
  }));
}

/** Every `Validations.of(x).acknowledge(...)` in the tree: where it is and what it hides. */
function acknowledgements(scope: IConstruct): { path: string; rules: string[] }[] {
  return scope.node
    .findAll()
    .flatMap((c) =>
      c.node.metadata
        .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
        .map((m) => ({ path: c.node.path, rules: Object.keys(m.data as object) })),
    );
}

/**
 * Every acknowledgement the stacks may carry: on one kind of resource, for one finding, each
 * with its reason in the code. A new one fails this test until it is reviewed and listed here.
 */
const ALLOWED_ACKNOWLEDGEMENTS: readonly { readonly path: RegExp; readonly rule: RegExp }[] = [
  // Added by CDK itself for a bucket that receives server access logs (cfn-lint's ACL warning).
  {
    path: /^Ward-\w+\/(Bundles|Manifests|AuditArchive)\/AccessLogs$/,
    rule: /^CloudFormation-Validate::W3045$/,
  },
  // The access-log bucket cannot log into itself.
  {
    path: /^Ward-\w+\/(Bundles|Manifests|AuditArchive)\/AccessLogs$/,
    rule: /^AwsSolutions-S1$/,
  },
  // X-Ray (and, for the state machine, log delivery) accept no resource ARN.
  { path: /^Ward-\w+-services\/.+Role$/, rule: /^AwsSolutions-IAM5\[Resource::\*\]$/ },
  // Bundles are stored under content hashes, limited to the bundles/ prefix.
  {
    path: /^Ward-\w+-services\/ApprovalWorkflow\/CompileFunctionRole$/,
    rule: /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:s3:::ward-\w+-bundles-<AWS::AccountId>-<AWS::Region>\/bundles\/\*\]$/,
  },
  // Step Functions invokes qualified function ARNs.
  {
    path: /^Ward-\w+-services\/(ApprovalWorkflow|PromotionWorkflow)\/StateMachine\/Role$/,
    rule: /^AwsSolutions-IAM5\[Resource::<(ApprovalWorkflow|PromotionWorkflow)\w+Function\w+\.Arn>:\*\]$/,
  },
  // Promotion reads bundles by version pointer and content hash, only under bundles/.
  {
    path: /^Ward-\w+-services\/PromotionWorkflow\/\w+FunctionRole$/,
    rule: /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:s3:::ward-\w+-bundles-<AWS::AccountId>-<AWS::Region>\/bundles\/\*\]$/,
  },
  // The promotion and bundle routes read bundles the same way, only under bundles/.
  {
    path: /^Ward-\w+-services\/ApprovalApi\/(StartPromotion|Rollback|ShowBundle)Role$/,
    rule: /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:s3:::ward-\w+-bundles-<AWS::AccountId>-<AWS::Region>\/bundles\/\*\]$/,
  },
  // Promotion writes manifests content-addressed, only under manifests/.
  {
    path: /^Ward-\w+-services\/PromotionWorkflow\/(Apply|Verify|DriftCheck)FunctionRole$/,
    rule: /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:s3:::ward-\w+-manifests-<AWS::AccountId>-<AWS::Region>\/manifests\/\*\]$/,
  },
  // Break glass: grants only under the manifests bucket's break-glass/ prefix, schedules only in
  // its own group, emergency roles that act on what is broken (cut down per session).
  {
    path: /^Ward-\w+-services\/BreakGlass\/FunctionRole$/,
    rule: /^AwsSolutions-IAM5\[Resource::(arn:<AWS::Partition>:s3:::ward-\w+-manifests-<AWS::AccountId>-<AWS::Region>\/break-glass\/\*|arn:<AWS::Partition>:scheduler:<AWS::Region>:<AWS::AccountId>:schedule\/ward-break-glass-\w+\/\*)\]$/,
  },
  {
    path: /^Ward-\w+-services\/BreakGlass\/EmergencyRole-[a-z0-9-]+$/,
    rule: /^AwsSolutions-IAM5\[Resource::\*\]$/,
  },
  // A drill reads its own page from this queue; unread copies age out.
  { path: /^Ward-\w+-services\/BreakGlass\/DrillPageQueue$/, rule: /^AwsSolutions-SQS3$/ },
  // The archive's writers name batches and digests by number as they write them, each under
  // its own prefix (write-once by the bucket policy); the verifier reads the whole bucket.
  {
    path: /^Ward-\w+-services\/AuditArchive\/BatcherRole$/,
    rule: /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:s3:::ward-\w+-audit-archive-<AWS::AccountId>-<AWS::Region>\/batches\/\*\]$/,
  },
  {
    path: /^Ward-\w+-services\/AuditArchive\/DigestWriterRole$/,
    rule: /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:s3:::ward-\w+-audit-archive-<AWS::AccountId>-<AWS::Region>\/digests\/\*\]$/,
  },
  {
    path: /^Ward-\w+-services\/AuditArchive\/VerifierRole$/,
    rule: /^AwsSolutions-IAM5\[Resource::arn:<AWS::Partition>:s3:::ward-\w+-audit-archive-<AWS::AccountId>-<AWS::Region>\/\*\]$/,
  },
  // The archive queue's dead-letter queue, like the detector's, is the end of the line.
  {
    path: /^Ward-\w+-services\/AuditArchive\/DeadLetterQueue$/,
    rule: /^AwsSolutions-SQS3$/,
  },
  // The detector rule's dead-letter queue is the end of the line: a queue behind it would only
  // move the same undeliverable audit events again.
  {
    path: /^Ward-\w+-services\/AuditDetections\/DeadLetterQueue$/,
    rule: /^AwsSolutions-SQS3$/,
  },
  // The same for the audit sources' dead-letter queue (refused inputs, failed deliveries).
  {
    path: /^Ward-\w+-services\/AuditIngest\/DeadLetterQueue$/,
    rule: /^AwsSolutions-SQS3$/,
  },
  // The Kubernetes audit authorizer reads the token hash of the cluster a token names: one
  // parameter per cluster, under the stage's path.
  {
    path: /^Ward-\w+-services\/AuditIngest\/KubernetesAuditAuthorizerRole$/,
    rule: /^AwsSolutions-IAM5\[Resource::arn:aws:ssm:[\w-]+:<AWS::AccountId>:parameter\/ward\/\w+\/k8s-audit\/\*\]$/,
  },
];

describe.each(STAGES)('cdk-nag AwsSolutions on the %s stacks', (stage) => {
  const { data, services } = wardStacks(shippedConfig(stage));

  it.each([
    ['stateful', data],
    ['services', services],
  ])('finds no unacknowledged error or warning in the %s stack', (_kind, stack) => {
    expect(awsSolutionsFindings(stack)).toEqual([]);
  });

  it('carries only the reviewed acknowledgements, each on one resource', () => {
    const found = [...acknowledgements(data), ...acknowledgements(services)].flatMap((a) =>
      a.rules.map((rule) => ({ path: a.path, rule: rule.replace(/^Annotation::/, '') })),
    );
    expect(found.length).toBeGreaterThan(0);
    for (const entry of found) {
      expect({
        entry,
        allowed: ALLOWED_ACKNOWLEDGEMENTS.some(
          (a) => a.path.test(entry.path) && a.rule.test(entry.rule),
        ),
      }).toEqual({ entry, allowed: true });
    }
  });
});

describe('cdk-nag harness', () => {
  it('given a bare table, reports the missing point-in-time recovery as a warning', () => {
    // Proves the checks above can fail: a harness that sees nothing would pass them too.
    const stack = new Stack(testApp(), 'Bare');
    new Table(stack, 'Table', { partitionKey: { name: 'id', type: AttributeType.STRING } });
    expect(awsSolutionsFindings(stack)).toContainEqual({
      rule: 'AwsSolutions-DDB3',
      severity: 'warning',
      paths: ['Bare/Table/Resource'],
    });
  });

  it('given the app as bin/app.ts builds it, synth passes cdk-nag and CloudFormation validation', () => {
    const app = testApp({ builtinCloudFormationValidation: true });
    for (const config of loadStageConfigs()) wardStacks(config, app);
    addFleetAccessStacks(app, loadStageConfigs(), loadPipelineSettings());
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
    const assembly = app.synth();
    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual(
      [
        ...STAGES.flatMap((stage) => [wardStackName(stage), wardServicesStackName(stage)]),
        ...STAGES.map((stage) => wardFleetAccessStackName([stage])),
      ].sort(),
    );
  });
});
