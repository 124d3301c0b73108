import type { Edge, EgressFinding, Evidence, Pattern, UnresolvedFinding } from '../model';
import type { Resolution } from './targets';

/** One call a service's code makes, resolved, with where it is. */
export interface Finding {
  readonly from: string;
  readonly resolution: Resolution;
  readonly evidence: Evidence;
}

/** Groups evidence by edge, host or reason, in a stable order. */
export class FindingSet {
  private readonly edges = new Map<string, { from: string; to: string; evidence: Evidence[] }>();
  private readonly egress = new Map<
    string,
    { from: string; host: string; port: number; evidence: Evidence[] }
  >();
  private readonly unresolved = new Map<
    string,
    { from: string; reason: string; evidence: Evidence[] }
  >();

  add({ from, resolution, evidence }: Finding): void {
    if (resolution.kind === 'service') this.addEdge(from, resolution.service, evidence);
    else if (resolution.kind === 'egress') {
      this.addEgress(from, resolution.host, resolution.port, evidence);
    } else this.addUnresolved(from, resolution.reason, evidence);
  }

  /** Adds findings packed by `FindingTable.pack`. */
  addPacked(packed: PackedFindings, table: FindingTable): void {
    const strings = table.strings;
    for (let i = 0; i + STRIDE <= packed.length; i += STRIDE) {
      const from = strings[packed[i] as number] ?? '';
      const kind = packed[i + 1];
      const target = strings[packed[i + 2] as number] ?? '';
      const via = packed[i + 9] as number;
      const evidence: Evidence = {
        file: strings[packed[i + 4] as number] ?? '',
        line: packed[i + 5] as number,
        column: packed[i + 6] as number,
        snippet: packed[i + 7] as string,
        pattern: strings[packed[i + 8] as number] as Pattern,
        ...(via >= 0 ? { via: strings[via] ?? '' } : {}),
      };
      if (kind === SERVICE) this.addEdge(from, target, evidence);
      else if (kind === EGRESS) this.addEgress(from, target, packed[i + 3] as number, evidence);
      else this.addUnresolved(from, target, evidence);
    }
  }

  private addEdge(from: string, to: string, evidence: Evidence): void {
    // A service calling itself (health checks, its own URL) is not an edge.
    if (to === from) return;
    const key = `${from}\0${to}`;
    const entry = this.edges.get(key);
    if (entry) entry.evidence.push(evidence);
    else this.edges.set(key, { from, to, evidence: [evidence] });
  }

  private addEgress(from: string, host: string, port: number, evidence: Evidence): void {
    const key = `${from}\0${host}\0${port}`;
    const entry = this.egress.get(key);
    if (entry) entry.evidence.push(evidence);
    else this.egress.set(key, { from, host, port, evidence: [evidence] });
  }

  private addUnresolved(from: string, reason: string, evidence: Evidence): void {
    const key = `${from}\0${reason}`;
    const entry = this.unresolved.get(key);
    if (entry) entry.evidence.push(evidence);
    else this.unresolved.set(key, { from, reason, evidence: [evidence] });
  }

  result(): { edges: Edge[]; egress: EgressFinding[]; unresolved: UnresolvedFinding[] } {
    const finish = <T extends { evidence: Evidence[] }>(entries: Map<string, T>): T[] =>
      [...entries.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, entry]) => ({ ...entry, evidence: sortEvidence(entry.evidence) }));
    return {
      edges: finish(this.edges),
      egress: finish(this.egress),
      unresolved: finish(this.unresolved),
    };
  }
}

export function sortEvidence(evidence: readonly Evidence[]): Evidence[] {
  const seen = new Set<string>();
  return [...evidence]
    .sort((a, b) =>
      a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.line - b.line || a.column - b.column,
    )
    .filter((item) => {
      const key = `${item.file}:${item.line}:${item.column}:${item.via ?? ''}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
}

/** Findings as flat values (ten each, strings through a `FindingTable`), as the cache keeps them. */
export type PackedFindings = readonly (string | number)[];

const STRIDE = 10;
const SERVICE = 0;
const EGRESS = 1;
const UNRESOLVED = 2;

/** The strings packed findings refer to by number: services, hosts, reasons, files, patterns. */
export class FindingTable {
  private readonly ids = new Map<string, number>();

  constructor(readonly strings: string[] = []) {
    strings.forEach((value, id) => this.ids.set(value, id));
  }

  /** `[from, kind, target, port, file, line, column, snippet, pattern, via]` per finding. */
  pack(findings: readonly Finding[]): (string | number)[] {
    const packed: (string | number)[] = [];
    for (const { from, resolution, evidence } of findings) {
      const [kind, target, port] =
        resolution.kind === 'service'
          ? [SERVICE, resolution.service, 0]
          : resolution.kind === 'egress'
            ? [EGRESS, resolution.host, resolution.port]
            : [UNRESOLVED, resolution.reason, 0];
      packed.push(
        this.id(from),
        kind,
        this.id(target),
        port,
        this.id(evidence.file),
        evidence.line,
        evidence.column,
        evidence.snippet,
        this.id(evidence.pattern),
        evidence.via === undefined ? -1 : this.id(evidence.via),
      );
    }
    return packed;
  }

  private id(value: string): number {
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(value);
      this.ids.set(value, id);
    }
    return id;
  }
}
