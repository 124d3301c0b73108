/** What `ward rpcmap scan` reports; `--format json` prints exactly these shapes. */

/** How a call was recognised; part of the stable JSON output. */
export const PATTERNS = [
  /** http.Get, http.Post, http.Head, http.PostForm with a URL */
  'http-call',
  /** http.NewRequest, http.NewRequestWithContext */
  'http-request',
  /** typhon.NewRequest(ctx, method, url, body) */
  'typhon-request',
  /** any client's Do/Get/Post/... given a URL */
  'http-client',
  /** a call into a package from another service's tree (generated RPC clients) */
  'service-package',
  /** grpc.Dial, grpc.DialContext, grpc.NewClient */
  'grpc-dial',
  /** pb.NewXxxClient(conn) */
  'grpc-client',
  /** x.NewClient("ledger", ...): frameworks that take the callee's registered name */
  'registered-name',
  /** Dapr InvokeMethod*(ctx, appID, ...) */
  'dapr-invoke',
] as const;
export type Pattern = (typeof PATTERNS)[number];

export interface Evidence {
  /** path relative to the scanned root, with `/` separators */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** the source line, trimmed (filled in by the scan, which has the files) */
  readonly snippet: string;
  readonly pattern: Pattern;
  /** the shared function the call goes through, when the client is built elsewhere */
  readonly via?: string;
}

export interface ServiceRoot {
  readonly name: string;
  /** directories, relative to the root */
  readonly path: readonly string[];
}

export interface Edge {
  readonly from: string;
  readonly to: string;
  readonly evidence: readonly Evidence[];
}

export interface EgressFinding {
  readonly from: string;
  readonly host: string;
  readonly port: number;
  readonly evidence: readonly Evidence[];
}

export interface UnresolvedFinding {
  readonly from: string;
  /** why the target could not be named, in a sentence */
  readonly reason: string;
  readonly evidence: readonly Evidence[];
}

/** Something the scan skipped or had to recover from; it carried on. */
export interface ScanWarning {
  readonly file: string;
  readonly message: string;
  readonly line?: number;
  readonly column?: number;
}

export interface ScanResult {
  readonly services: readonly ServiceRoot[];
  readonly edges: readonly Edge[];
  readonly egress: readonly EgressFinding[];
  readonly unresolved: readonly UnresolvedFinding[];
  readonly warnings: readonly ScanWarning[];
}
