import type { CloudFormationTemplate } from './cloudformation';

/** What a Ref or Fn::GetAtt of a resource stands for locally. */
export interface ResourceValues {
  readonly ref: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface ResolutionContext {
  readonly region: string;
  readonly accountId: string;
  readonly stackName: string;
  readonly resources: ReadonlyMap<string, ResourceValues>;
  /** Exported outputs of the assembly's other stacks, for Fn::ImportValue. */
  readonly exports: ReadonlyMap<string, string>;
  readonly conditions: Readonly<Record<string, unknown>>;
}

export class IntrinsicResolutionError extends Error {
  override readonly name = 'IntrinsicResolutionError';
}

/** The value CloudFormation would leave out of a list or object (AWS::NoValue). */
const NO_VALUE = Symbol('AWS::NoValue');

/**
 * Resolves CloudFormation intrinsic functions in `value` to the local values they stand for:
 * Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split, Fn::If, Fn::Equals, Fn::Not,
 * Fn::And, Fn::Or, Fn::ImportValue, Fn::Base64 and the pseudo parameters. Anything else is
 * refused by name, so a template the runtime cannot read is reported, not half-resolved.
 */
export function resolveIntrinsics(value: unknown, context: ResolutionContext): unknown {
  const resolved = resolve(value, context);
  return resolved === NO_VALUE ? undefined : resolved;
}

function resolve(value: unknown, context: ResolutionContext): unknown {
  if (Array.isArray(value))
    return value.map((v) => resolve(v, context)).filter((v) => v !== NO_VALUE);
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  const [onlyKey, operand] =
    entries.length === 1 ? (entries[0] as [string, unknown]) : [undefined, undefined];
  if (onlyKey === 'Ref') return ref(String(operand), context);
  if (onlyKey !== undefined && (onlyKey.startsWith('Fn::') || onlyKey === 'Condition')) {
    return intrinsic(onlyKey, operand, context);
  }
  const result: Record<string, unknown> = {};
  for (const [key, child] of entries) {
    const resolvedChild = resolve(child, context);
    if (resolvedChild !== NO_VALUE) result[key] = resolvedChild;
  }
  return result;
}

function ref(name: string, context: ResolutionContext): unknown {
  switch (name) {
    case 'AWS::Region':
      return context.region;
    case 'AWS::AccountId':
      return context.accountId;
    case 'AWS::Partition':
      return 'aws';
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::StackName':
      return context.stackName;
    case 'AWS::StackId':
      return `arn:aws:cloudformation:${context.region}:${context.accountId}:stack/${context.stackName}/local`;
    case 'AWS::NoValue':
      return NO_VALUE;
    default: {
      const resource = context.resources.get(name);
      if (resource === undefined)
        throw new IntrinsicResolutionError(`Ref to unknown resource or parameter ${name}`);
      return resource.ref;
    }
  }
}

function intrinsic(name: string, operand: unknown, context: ResolutionContext): unknown {
  const args = () => resolve(operand, context) as unknown[];
  switch (name) {
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = Array.isArray(operand)
        ? (operand as string[])
        : String(operand).split(/\.(.*)/s);
      const resource = context.resources.get(String(logicalId));
      const value = resource?.attributes[String(attribute)];
      if (value === undefined)
        throw new IntrinsicResolutionError(
          `Fn::GetAtt ${logicalId}.${attribute} has no local value`,
        );
      return value;
    }
    case 'Fn::Join': {
      const [separator, list] = args() as [string, unknown[]];
      return list.map(String).join(separator);
    }
    case 'Fn::Select': {
      const [index, list] = args() as [number | string, unknown[]];
      return list[Number(index)];
    }
    case 'Fn::Split': {
      const [separator, text] = args() as [string, string];
      return text.split(separator);
    }
    case 'Fn::Sub':
      return substitute(operand, context);
    case 'Fn::ImportValue': {
      const exportName = String(resolve(operand, context));
      const value = context.exports.get(exportName);
      if (value === undefined)
        throw new IntrinsicResolutionError(`Fn::ImportValue ${exportName}: no stack exports it`);
      return value;
    }
    case 'Fn::Base64':
      return Buffer.from(String(resolve(operand, context))).toString('base64');
    case 'Fn::If': {
      const [condition, whenTrue, whenFalse] = operand as [string, unknown, unknown];
      return resolve(
        condition && evaluateCondition(condition, context) ? whenTrue : whenFalse,
        context,
      );
    }
    case 'Fn::Equals': {
      const [a, b] = args();
      return JSON.stringify(a) === JSON.stringify(b);
    }
    case 'Fn::Not':
      return !(args()[0] as boolean);
    case 'Fn::And':
      return args().every(Boolean);
    case 'Fn::Or':
      return args().some(Boolean);
    case 'Condition':
      return evaluateCondition(String(operand), context);
    default:
      throw new IntrinsicResolutionError(`${name} is not supported by the local runtime`);
  }
}

export function evaluateCondition(name: string, context: ResolutionContext): boolean {
  const condition = context.conditions[name];
  if (condition === undefined) throw new IntrinsicResolutionError(`unknown condition ${name}`);
  return Boolean(resolve(condition, context));
}

function substitute(operand: unknown, context: ResolutionContext): string {
  const [template, variables] = Array.isArray(operand)
    ? (operand as [string, Record<string, unknown>])
    : [String(operand), {}];
  const resolvedVariables = resolve(variables, context) as Record<string, unknown>;
  return template.replace(/\$\{(!?)([^}]+)\}/g, (_match, literal: string, name: string) => {
    if (literal === '!') return `\${${name}}`;
    if (name in resolvedVariables) return String(resolvedVariables[name]);
    if (name.includes('.') && !name.startsWith('AWS::')) {
      const [logicalId, attribute] = name.split(/\.(.*)/s);
      return String(intrinsic('Fn::GetAtt', [logicalId, attribute], context));
    }
    return String(ref(name, context));
  });
}

/** The conditions of a template, or none. */
export function conditionsOf(template: CloudFormationTemplate): Readonly<Record<string, unknown>> {
  return template.Conditions ?? {};
}
