/** Names Go gives to things, read from their text. */

const importNames = new Map<string, string>();

/** The name a package is used by when imported without an alias (a guess refined later). */
export function defaultImportName(path: string): string {
  let name = importNames.get(path);
  if (name === undefined) {
    name = importName(path);
    // Import paths repeat across a tree's files; a bounded memo of their names.
    if (importNames.size > 100_000) importNames.clear();
    importNames.set(path, name);
  }
  return name;
}

function importName(path: string): string {
  const parts = path.split('/');
  let last = parts[parts.length - 1] ?? path;
  // Major-version suffixes are not part of the name: github.com/x/y/v2 is package y.
  if (/^v[0-9]+$/.test(last) && parts.length > 1) last = parts[parts.length - 2] ?? last;
  // gopkg.in/yaml.v3 is package yaml.
  last = last.replace(/\.v[0-9]+$/, '');
  return last.replace(/^go-/, '').replace(/[.-]/g, '');
}

/** The receiver's type in a method's receiver list: `(s *Server)` is `Server`. */
export function receiverTypeName(receiverText: string): string | undefined {
  const match = /([A-Za-z_][A-Za-z0-9_]*)\s*(\[[^\]]*\])?\s*\)\s*$/.exec(receiverText);
  return match?.[1];
}

/** Go's convention for generated files, checked on the comments above the package clause. */
export function generatedMarker(comment: string): { generated: boolean; mock: boolean } {
  if (!comment.startsWith('// Code generated') || !comment.includes('DO NOT EDIT')) {
    return { generated: false, mock: false };
  }
  return { generated: true, mock: /\b(MockGen|mockery|counterfeiter|moq)\b/.test(comment) };
}
