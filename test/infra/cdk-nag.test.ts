import { Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AttributeType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { STAGES } from '../../lambdas/contracts/stages';
import { loadStageConfigs } from '../../lib/config/stages';
import { WardStack, wardStackName } from '../../lib/ward-stack';
import { shippedConfig, testApp, wardStack } from './support/ward-app';

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

describe.each(STAGES)('cdk-nag AwsSolutions on the %s stack', (stage) => {
  const stack = wardStack(shippedConfig(stage));

  it('finds no unacknowledged error', () => {
    expect(awsSolutionsFindings(stack).filter((f) => f.severity === 'error')).toEqual([]);
  });

  it('finds no unacknowledged warning', () => {
    expect(awsSolutionsFindings(stack).filter((f) => f.severity === 'warning')).toEqual([]);
  });

  it('needs no acknowledgement anywhere (add one here, on one resource, with its reason)', () => {
    expect(acknowledgements(stack)).toEqual([]);
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
    for (const config of loadStageConfigs()) {
      new WardStack(app, wardStackName(config.stage), { config });
    }
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
    const assembly = app.synth();
    expect(assembly.stacks.map((s) => s.stackName).sort()).toEqual(
      STAGES.map(wardStackName).sort(),
    );
  });
});
