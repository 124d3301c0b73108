import type { Template } from 'aws-cdk-lib/assertions';
import { z } from 'zod';

const StatementSchema = z.object({
  Effect: z.enum(['Allow', 'Deny']),
  Action: z.union([z.string(), z.array(z.string())]),
  Resource: z.unknown(),
});
const PolicySchema = z.object({
  Properties: z.object({
    PolicyDocument: z.object({ Statement: z.array(StatementSchema) }),
    Roles: z.array(z.object({ Ref: z.string() })).default([]),
  }),
});

/**
 * Every action the policies attached to the role `roleLogicalId` allow, with the resources
 * (rendered as JSON) each is allowed on. Flattened so assertions hold however CDK merges or
 * orders statements (`@aws-cdk/aws-iam:minimizePolicies` reshapes them).
 */
export function allowedActions(template: Template, roleLogicalId: string): Map<string, string[]> {
  const allowed = new Map<string, string[]>();
  for (const raw of Object.values(template.findResources('AWS::IAM::Policy'))) {
    const policy = PolicySchema.parse(raw).Properties;
    if (!policy.Roles.some((role) => role.Ref === roleLogicalId)) continue;
    for (const statement of policy.PolicyDocument.Statement) {
      if (statement.Effect !== 'Allow') continue;
      const actions = Array.isArray(statement.Action) ? statement.Action : [statement.Action];
      const resources = Array.isArray(statement.Resource)
        ? statement.Resource
        : [statement.Resource];
      for (const action of actions) {
        allowed.set(action, [
          ...(allowed.get(action) ?? []),
          ...resources.map((r) => JSON.stringify(r)),
        ]);
      }
    }
  }
  return allowed;
}
