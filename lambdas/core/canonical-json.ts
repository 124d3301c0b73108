import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level, so equal values always serialise to the same
 * bytes: the basis of every hash Ward records. Without `indent` it writes directly, without
 * copying objects, since rule sets of tens of thousands of rules are hashed on every compile.
 */
export function canonicalJson(value: unknown, indent?: number): string {
  return indent === undefined ? compact(value) : JSON.stringify(value, sortedKeysReplacer, indent);
}

function compact(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    // Matches JSON.stringify: undefined and functions have no JSON form.
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) {
    let text = '[';
    for (let i = 0; i < value.length; i += 1) text += (i > 0 ? ',' : '') + compact(value[i]);
    return `${text}]`;
  }
  let text = '{';
  let first = true;
  for (const key of Object.keys(value).sort()) {
    const child = (value as Record<string, unknown>)[key];
    if (child === undefined || typeof child === 'function') continue;
    text += `${first ? '' : ','}${JSON.stringify(key)}:${compact(child)}`;
    first = false;
  }
  return `${text}}`;
}

function sortedKeysReplacer(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    // defineProperty, not assignment: a key named "__proto__" must stay a key.
    Object.defineProperty(sorted, key, {
      value: (value as Record<string, unknown>)[key],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return sorted;
}

export function sha256Hex(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}
