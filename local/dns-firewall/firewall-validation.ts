import { AwsServiceError } from '../aws-endpoint/aws-errors';

/** The DNS Firewall stand-in's validation, paging and tag handling, as the API answers them. */

export const validation = (message: string) => new AwsServiceError('ValidationException', message);
export const notFound = (what: string) =>
  new AwsServiceError('ResourceNotFoundException', `The resource doesn't exist: ${what}`);
export const conflict = (message: string) => new AwsServiceError('ConflictException', message);

const NAME = /^[A-Za-z0-9\-_ ]{1,64}$/;

/** Tags by resource ARN: one store for domain lists, rule groups and associations alike. */
export type TagStore = Map<string, Map<string, string>>;

export function page<T>(
  input: Record<string, unknown>,
  max: number,
  items: readonly T[],
  key: string,
  map: (item: T) => unknown,
) {
  const size = input.MaxResults === undefined ? Math.min(100, max) : Number(input.MaxResults);
  if (!Number.isInteger(size) || size < 1 || size > max)
    throw validation(`MaxResults must be 1 to ${max}`);
  const start = typeof input.NextToken === 'string' ? Number(input.NextToken) : 0;
  if (!Number.isInteger(start) || start < 0)
    throw new AwsServiceError('InvalidNextTokenException', 'The NextToken is not valid');
  const more = start + size < items.length;
  return {
    [key]: items.slice(start, start + size).map(map),
    ...(more ? { NextToken: String(start + size) } : {}),
  };
}

export function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string' || value.length < 1 || value.length > max)
    throw validation(
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must have length between 1 and ${max}`,
    );
  return value;
}

/**
 * `Tags` on create, as the API takes them: at most 200 `{Key, Value}`, keys 1 to 128 and
 * values 0 to 256 characters, each key once, none starting with the reserved `aws:`.
 */
export function tags(value: unknown): Map<string, string> {
  const found = new Map<string, string>();
  if (value === undefined) return found;
  if (!Array.isArray(value) || value.length > 200)
    throw validation('Tags must be a list of at most 200 tags');
  for (const tag of value as unknown[]) {
    const { Key: key, Value: val } = (tag ?? {}) as Record<string, unknown>;
    if (typeof key !== 'string' || key.length < 1 || key.length > 128)
      throw validation(`Tag key ${String(key)} must be 1 to 128 characters`);
    if (typeof val !== 'string' || val.length > 256)
      throw validation(`Tag ${key} needs a Value of at most 256 characters`);
    if (key.toLowerCase().startsWith('aws:'))
      throw validation(`Tag key ${key} uses the reserved prefix aws:`);
    if (found.has(key)) throw validation(`Tag key ${key} is given twice`);
    found.set(key, val);
  }
  return found;
}

export function name(value: unknown): string {
  if (typeof value !== 'string' || !NAME.test(value) || /^[0-9]+$/.test(value))
    throw validation(`Name ${String(value)} must be 1 to 64 letters, digits, "-", "_" or spaces`);
  return value;
}
