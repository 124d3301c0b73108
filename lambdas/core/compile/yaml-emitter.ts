/**
 * A deterministic YAML writer for the plain data of Kubernetes manifests (objects, arrays,
 * strings, numbers, booleans, null). Map keys are sorted, sequences are indented under their
 * key, and every string that a YAML 1.1 or 1.2 reader could take for anything but a string is
 * double-quoted. It exists because the general-purpose `yaml` library takes about 0.3 ms a
 * manifest and a fleet of 2,000 services needs 6,000 of them in well under a second; tests
 * check its output against the `yaml` library's parser.
 */
export function toYaml(value: unknown): string {
  const lines: string[] = [];
  if (isCollection(value) && !isEmptyCollection(value)) {
    emitCollection(value, 0, lines);
  } else {
    lines.push(scalar(value));
  }
  return `${lines.join('\n')}\n`;
}

type Collection = readonly unknown[] | Readonly<Record<string, unknown>>;

function emitCollection(value: Collection, indent: number, lines: string[]): void {
  if (Array.isArray(value)) {
    emitSequence(value, indent, lines);
  } else {
    emitMapping(value as Readonly<Record<string, unknown>>, indent, lines);
  }
}

function emitMapping(map: Readonly<Record<string, unknown>>, indent: number, lines: string[]) {
  const pad = ' '.repeat(indent);
  for (const key of Object.keys(map).sort()) {
    const child = map[key];
    if (child === undefined) continue;
    if (isCollection(child) && !isEmptyCollection(child)) {
      lines.push(`${pad}${scalar(key)}:`);
      emitCollection(child, indent + 2, lines);
    } else {
      lines.push(`${pad}${scalar(key)}: ${scalar(child)}`);
    }
  }
}

function emitSequence(items: readonly unknown[], indent: number, lines: string[]) {
  const pad = ' '.repeat(indent);
  for (const item of items) {
    if (isCollection(item) && !isEmptyCollection(item)) {
      // Emit the item one level deeper, then fold its first line onto the dash.
      const start = lines.length;
      emitCollection(item, indent + 2, lines);
      lines[start] = `${pad}- ${(lines[start] ?? '').slice(indent + 2)}`;
    } else {
      lines.push(`${pad}- ${scalar(item)}`);
    }
  }
}

function isCollection(value: unknown): value is Collection {
  return value !== null && typeof value === 'object';
}

function isEmptyCollection(value: Collection): boolean {
  return Array.isArray(value)
    ? value.length === 0
    : Object.values(value).every((v) => v === undefined);
}

/** Words some YAML reader would take for a boolean or null rather than a string. */
const RESERVED_WORDS = new Set(['true', 'false', 'yes', 'no', 'on', 'off', 'y', 'n', 'null', '~']);
const PLAIN_SAFE = /^[A-Za-z_/][A-Za-z0-9_./-]*$/;

function scalar(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return PLAIN_SAFE.test(value) && !RESERVED_WORDS.has(value.toLowerCase())
        ? value
        : JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`cannot write ${value} as YAML`);
      return String(value);
    case 'boolean':
      return String(value);
    case 'object':
      return Array.isArray(value) ? '[]' : '{}';
    default:
      throw new TypeError(`cannot write a ${typeof value} as YAML`);
  }
}
