import { AwsServiceError } from '../aws-endpoint/aws-errors';
import type { JsonOperation } from '../aws-endpoint/json-protocol';

interface StoredParameter {
  readonly name: string;
  readonly type: 'String' | 'StringList' | 'SecureString';
  readonly value: string;
  readonly version: number;
  readonly lastModified: Date;
  readonly description?: string;
}

const TYPES = new Set(['String', 'StringList', 'SecureString']);
/** Parameter Store's rules for names: these characters, at most 2,048, and `/` only as a path. */
const NAME = /^[a-zA-Z0-9_.\-/]{1,2048}$/;
/** A standard-tier parameter's value: at most 4 KB. */
const MAX_VALUE_BYTES = 4096;

/**
 * Parameter Store for the local runtime (the calls Ward makes: GetParameter, PutParameter,
 * DeleteParameter, GetParametersByPath), kept in memory with Parameter Store's contract: names
 * and sizes checked, `ParameterAlreadyExists` without `Overwrite`, `ParameterNotFound`, a type
 * required for a new parameter and unchangeable after, versions counted from 1.
 */
export class LocalParameters {
  private readonly parameters = new Map<string, StoredParameter>();

  constructor(private readonly env: { readonly region: string; readonly accountId: string }) {}

  put(input: {
    Name?: unknown;
    Value?: unknown;
    Type?: unknown;
    Overwrite?: unknown;
    Description?: unknown;
  }): { Version: number; Tier: 'Standard' } {
    const name = checkedName(input.Name);
    if (typeof input.Value !== 'string' || input.Value === '')
      throw new AwsServiceError('ValidationException', 'Parameter Value must not be empty.');
    if (Buffer.byteLength(input.Value) > MAX_VALUE_BYTES)
      throw new AwsServiceError(
        'ValidationException',
        `Standard tier parameters support a maximum parameter value of ${MAX_VALUE_BYTES} characters.`,
      );
    const existing = this.parameters.get(name);
    if (existing !== undefined && input.Overwrite !== true)
      throw new AwsServiceError(
        'ParameterAlreadyExists',
        'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
      );
    const type = input.Type ?? existing?.type;
    if (typeof type !== 'string' || !TYPES.has(type))
      throw new AwsServiceError(
        'ValidationException',
        `Type must be one of String, StringList or SecureString, not ${JSON.stringify(type)}.`,
      );
    if (existing !== undefined && type !== existing.type)
      throw new AwsServiceError(
        'HierarchyTypeMismatchException',
        'Parameter Type cannot be changed when updating a parameter.',
      );
    const version = (existing?.version ?? 0) + 1;
    this.parameters.set(name, {
      name,
      type: type as StoredParameter['type'],
      value: input.Value,
      version,
      lastModified: new Date(),
      ...(typeof input.Description === 'string' ? { description: input.Description } : {}),
    });
    return { Version: version, Tier: 'Standard' };
  }

  get(input: { Name?: unknown }) {
    const name = checkedName(input.Name);
    const parameter = this.parameters.get(name);
    if (parameter === undefined)
      throw new AwsServiceError('ParameterNotFound', `Parameter ${name} not found.`);
    return { Parameter: this.view(parameter) };
  }

  delete(input: { Name?: unknown }): Record<string, never> {
    const name = checkedName(input.Name);
    if (!this.parameters.delete(name))
      throw new AwsServiceError('ParameterNotFound', `Parameter ${name} not found.`);
    return {};
  }

  byPath(input: { Path?: unknown; Recursive?: unknown }) {
    if (typeof input.Path !== 'string' || !input.Path.startsWith('/'))
      throw new AwsServiceError('ValidationException', 'The parameter path must start with "/".');
    const prefix = input.Path.endsWith('/') ? input.Path : `${input.Path}/`;
    const parameters = [...this.parameters.values()].filter(
      (p) =>
        p.name.startsWith(prefix) &&
        (input.Recursive === true || !p.name.slice(prefix.length).includes('/')),
    );
    return {
      Parameters: parameters.sort((a, b) => a.name.localeCompare(b.name)).map((p) => this.view(p)),
    };
  }

  private view(parameter: StoredParameter) {
    return {
      Name: parameter.name,
      Type: parameter.type,
      Value: parameter.value,
      Version: parameter.version,
      LastModifiedDate: parameter.lastModified.getTime() / 1000,
      ARN: `arn:aws:ssm:${this.env.region}:${this.env.accountId}:parameter${parameter.name.startsWith('/') ? '' : '/'}${parameter.name}`,
      DataType: 'text',
    };
  }
}

function checkedName(name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name))
    throw new AwsServiceError(
      'ValidationException',
      'Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore), and /.',
    );
  if (name.includes('/') && !name.startsWith('/'))
    throw new AwsServiceError(
      'ValidationException',
      'Parameter name must be a fully qualified name: a hierarchical name starts with "/".',
    );
  if (/^\/?(aws|ssm)/i.test(name))
    throw new AwsServiceError(
      'AccessDeniedException',
      'No access to reserved parameter name: names beginning with "aws" or "ssm" are reserved.',
    );
  return name;
}

/** The operations the AWS endpoint serves for `ssm` (AWS JSON 1.1, target `AmazonSSM.<Op>`). */
export function ssmOperations(parameters: LocalParameters): Record<string, JsonOperation> {
  return {
    PutParameter: (input) => parameters.put(input),
    GetParameter: (input) => parameters.get(input),
    DeleteParameter: (input) => parameters.delete(input),
    GetParametersByPath: (input) => parameters.byPath(input),
  };
}
