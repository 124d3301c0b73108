/**
 * The simple JSONPath EventBridge accepts in InputPath and InputPathsMap: `$`, then `.name` or
 * `['name']` or `[index]` segments. Returns undefined when the path leads nowhere.
 */
export function readJsonPath(document: unknown, path: string): unknown {
  if (!path.startsWith('$')) throw new Error(`"${path}" is not a JSONPath (it must start with $)`);
  const segments: (string | number)[] = [];
  const pattern = /\.([^.[\]]+)|\[\s*'([^']*)'\s*\]|\[\s*"([^"]*)"\s*\]|\[\s*(\d+)\s*\]/gy;
  pattern.lastIndex = 1;
  while (pattern.lastIndex < path.length) {
    const match = pattern.exec(path);
    if (match === null) throw new Error(`"${path}" is not a JSONPath EventBridge supports`);
    segments.push(
      match[4] !== undefined ? Number(match[4]) : (match[1] ?? match[2] ?? match[3] ?? ''),
    );
  }
  let current: unknown = document;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}
