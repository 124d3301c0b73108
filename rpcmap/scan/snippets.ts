import type { Finding } from '../resolve/findings';

const MAX_SNIPPET = 200;

/**
 * Fills in each finding's snippet: its source line, trimmed. Files are read once, and only
 * those that hold evidence; a file that cannot be read leaves its snippets empty.
 */
export function withSnippets(
  findings: readonly Finding[],
  read: (path: string) => string,
  lines = new Map<string, readonly string[] | undefined>(),
): Finding[] {
  return findings.map((finding) => {
    const { evidence } = finding;
    if (!lines.has(evidence.file)) {
      let text: string | undefined;
      try {
        text = read(evidence.file);
      } catch {
        // The file changed or went away since it was analysed: the location still stands.
        text = undefined;
      }
      lines.set(evidence.file, text?.split('\n'));
    }
    const line = lines.get(evidence.file)?.[evidence.line - 1]?.trim() ?? '';
    const snippet = line.length > MAX_SNIPPET ? `${line.slice(0, MAX_SNIPPET - 3)}...` : line;
    return { ...finding, evidence: { ...evidence, snippet } };
  });
}
