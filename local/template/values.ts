/** Template and protocol values are `unknown` until checked; these name what they must be. */

/** A value as text: strings as they are, anything else as JSON (never "[object Object]"). */
export function textOf(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}

/** An optional string field of a request: absent, or a string; anything else is refused. */
export function optionalString(
  value: unknown,
  name: string,
  refuse: (message: string) => Error,
): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string')
    throw refuse(
      `1 validation error detected: Value at '${name}' failed to satisfy constraint: Member must be a string`,
    );
  return value;
}
