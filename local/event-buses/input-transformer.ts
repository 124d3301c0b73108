import { readJsonPath } from './json-path';

export interface InputTransformer {
  readonly InputPathsMap?: Readonly<Record<string, string>>;
  readonly InputTemplate: string;
}

/**
 * Applies a rule target's input transformer as EventBridge does: each `<name>` in the
 * template is replaced by the value its path selects. Inside quotes a value is inserted as
 * string content; outside quotes it is inserted as JSON (strings quoted). The predefined
 * `<aws.events.*>` variables are available too.
 */
export function transformInput(
  transformer: InputTransformer,
  event: Record<string, unknown>,
  rule: { readonly arn: string; readonly name: string },
): string {
  const values = new Map<string, unknown>();
  for (const [name, path] of Object.entries(transformer.InputPathsMap ?? {}))
    values.set(name, readJsonPath(event, path));
  values.set('aws.events.rule-arn', rule.arn);
  values.set('aws.events.rule-name', rule.name);
  values.set('aws.events.event.ingestion-time', event.time);
  values.set('aws.events.event', event);
  values.set('aws.events.event.json', event);

  return substitute(transformer.InputTemplate, values);
}

/**
 * Replaces each known `<name>`, knowing whether it stands inside a JSON string (then the value
 * becomes string content) or outside one (then it becomes a JSON value).
 */
function substitute(template: string, values: ReadonlyMap<string, unknown>): string {
  let output = '';
  let inString = false;
  for (let i = 0; i < template.length; i += 1) {
    const char = template[i] ?? '';
    if (char === '\\' && inString) {
      output += char + (template[i + 1] ?? '');
      i += 1;
      continue;
    }
    if (char === '"') inString = !inString;
    if (char === '<') {
      const close = template.indexOf('>', i);
      const name = close > i ? template.slice(i + 1, close) : '';
      if (/^[A-Za-z0-9_.-]+$/.test(name) && values.has(name)) {
        const value = values.get(name);
        if (inString) {
          const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
          output += JSON.stringify(text).slice(1, -1);
        } else {
          output += value === undefined ? 'null' : JSON.stringify(value);
        }
        i = close;
        continue;
      }
    }
    output += char;
  }
  return output;
}
