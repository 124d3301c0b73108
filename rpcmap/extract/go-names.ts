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

/** Type keywords that start a parameter's type (`chan int`), never a parameter's name. */
const TYPE_KEYWORDS = new Set(['chan', 'func', 'map', 'struct', 'interface']);

/**
 * The parameters of a parameter list as written (`(ctx context.Context, a, b int)`): each one's
 * name, or undefined for a parameter without one (`(int, error)`). Only for plain lists:
 * undefined when the text holds a parenthesis, brace, comment, literal or a character outside
 * ASCII (function and struct types, tags, anything unusual), which the tree then answers. As
 * in Go, a name alone is a name only before a later name with a type (`a, b int`); else it is
 * a type (`(a, b)` has two unnamed parameters).
 */
export function plainParameterNames(list: string): (string | undefined)[] | undefined {
  if (list.charCodeAt(0) !== 40 || list.charCodeAt(list.length - 1) !== 41) return undefined;
  const parts: string[][] = [];
  let tokens: string[] = [];
  let token = '';
  let depth = 0;
  for (let i = 1; i < list.length - 1; i++) {
    const c = list.charCodeAt(i);
    if (c >= 128 || UNPLAIN.has(c)) return undefined;
    if (c === 91) depth++;
    else if (c === 93) depth--;
    if (depth === 0 && (c === 44 || c === 32 || c === 9 || c === 10 || c === 13)) {
      if (token !== '') tokens.push(token);
      token = '';
      if (c === 44) {
        if (tokens.length === 0) return undefined;
        parts.push(tokens);
        tokens = [];
      }
      continue;
    }
    token += list[i];
  }
  if (depth !== 0) return undefined;
  if (token !== '') tokens.push(token);
  if (tokens.length > 0) parts.push(tokens);
  const names: (string | undefined)[] = [];
  let typed = false;
  for (let i = parts.length - 1; i >= 0; i--) {
    const part = parts[i] ?? [];
    const first = part[0] ?? '';
    const isName = /^[A-Za-z_][A-Za-z0-9_]*$/.test(first) && !TYPE_KEYWORDS.has(first);
    if (part.length > 1 && isName) typed = true;
    else if (part.length > 1) {
      // A type written with a space (`chan int`, `<-chan T`): a parameter without a name,
      // which cannot follow a named one.
      if (typed) return undefined;
    } else if (typed && !isName) return undefined;
    names.push(typed ? first : undefined);
  }
  return names.reverse();
}

/** `(`, `)`, `{`, `}`, `/`, `"`, `` ` ``, `'`: a list with any of them is not plain. */
const UNPLAIN = new Set([40, 41, 123, 125, 47, 34, 96, 39]);
