import type { AuditEvent } from '../../contracts/audit-event';
import type { WriteAttribution } from '../../contracts/registry-writers';
import type { CompiledBundle } from '../compile/bundle';
import type { RuleSetChange } from '../rules/change';
import type { RuleSet } from '../rules/rule-set';
import type { ChangeRequest, ChangeState } from './change-request';

/** A change request as stored: the request, its revision (for optimistic locking) and the workflow's token. */
export interface StoredChange {
  readonly request: ChangeRequest;
  readonly revision: number;
  readonly taskToken?: string;
}

/** Somebody else changed the request since it was read; re-read and decide again. */
export class ChangeRevisionConflictError extends Error {
  override readonly name = 'ChangeRevisionConflictError';
}

export class ChangeNotFoundError extends Error {
  override readonly name = 'ChangeNotFoundError';
}

export interface ChangeQuery {
  readonly state?: ChangeState;
  /** Changes that need this team's approval. */
  readonly team?: string;
  readonly proposer?: string;
  readonly limit: number;
}

/** Where change requests live. */
export interface ChangeRepository {
  /** Stores a new request; refuses an id that exists. */
  create(request: ChangeRequest): Promise<StoredChange>;
  get(id: string): Promise<StoredChange | undefined>;
  /** Replaces the request if it is still at `expectedRevision`, else ChangeRevisionConflictError. */
  update(next: ChangeRequest, expectedRevision: number): Promise<StoredChange>;
  /** Records the workflow's task token, whatever the request's state, and returns the stored request. */
  attachTaskToken(id: string, token: string): Promise<StoredChange>;
  list(query: ChangeQuery): Promise<ChangeRequest[]>;
}

/** The rule registry, as the approval flow needs it. */
export interface RuleRegistryPort {
  readCurrent(): Promise<RuleSet>;
  /**
   * Applies `change` to the current rule set (rebasing it) and commits the next version,
   * recording that it was written for change request `writtenFor.changeId`.
   */
  applyChange(
    change: RuleSetChange,
    expectedVersion?: number,
    options?: { readonly writtenFor?: WriteAttribution },
  ): Promise<RuleSet>;
}

/** The approval workflow: started per change, released or stopped through its task token. */
export interface ApprovalWorkflowPort {
  start(changeId: string, expiresInSeconds: number): Promise<void>;
  release(taskToken: string, output: unknown): Promise<void>;
  stop(taskToken: string, error: string, cause: string): Promise<void>;
}

export interface AuditPublisherPort {
  publish(events: readonly AuditEvent[]): Promise<void>;
}

export interface BundleStorePort {
  /** Stores a bundle under its content hash; returns where. */
  store(bundle: CompiledBundle): Promise<{ readonly key: string }>;
}

/** Everything a use case may touch, injected once per container. */
export interface ApprovalDependencies {
  readonly changes: ChangeRepository;
  readonly registry: RuleRegistryPort;
  readonly workflow: ApprovalWorkflowPort;
  readonly audit: AuditPublisherPort;
  readonly bundles: BundleStorePort;
  readonly now: () => Date;
  readonly newId: () => string;
}
