import type { Evidence, ScanResult } from '../model';

const MAX_SNIPPET = 200;

/**
 * Fills in each piece of evidence's snippet: its source line, trimmed. Files are read once,
 * and only those that hold evidence; a file that cannot be read leaves its snippets empty.
 */
export function fillSnippets(result: ScanResult, read: (path: string) => string): ScanResult {
  const lines = new Map<string, readonly string[] | undefined>();
  const snippetOf = (evidence: Evidence): Evidence => {
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
    return { ...evidence, snippet };
  };
  const fill = <T extends { evidence: readonly Evidence[] }>(items: readonly T[]): T[] =>
    items.map((item) => ({ ...item, evidence: item.evidence.map(snippetOf) }));
  return {
    ...result,
    edges: fill(result.edges),
    egress: fill(result.egress),
    unresolved: fill(result.unresolved),
  };
}
