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

  return transformer.InputTemplate.replace(
    /("?)<([A-Za-z0-9_.-]+)>("?)/g,
    (match, open: string, name: string, close: string) => {
      if (!values.has(name)) return match;
      const value = values.get(name);
      if (open === '"' && close === '"') {
        // Quoted: the value becomes the string's content.
        const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
        return `"${JSON.stringify(text).slice(1, -1)}"`;
      }
      return `${open}${value === undefined ? 'null' : JSON.stringify(value)}${close}`;
    },
  );
}
