/**
 * The shape of the registry table, shared by the CDK construct that creates it and the
 * adapter that reads and writes it. Changing a name here is a data migration.
 */
export const RegistryTableKeys = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Overloaded reverse-lookup index: rules by caller, services by team. Projects ALL attributes. */
  reverseIndex: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  /** Sparse index of superseded rule versions, so old versions can be collected cheaply. Keys only. */
  supersededIndex: { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  /** Items that expire on their own (change requests, leases) carry this epoch-seconds attribute. */
  timeToLiveAttribute: 'expiresAt',
} as const;

/** Environment variable through which functions learn the registry table's name. */
export const REGISTRY_TABLE_ENV = 'WARD_REGISTRY_TABLE';

/**
 * Partition-key prefixes the rule registry owns (docs/registry-table.md). Other entities that
 * share the table (change requests, bundles, stage records) must use prefixes of their own.
 */
export const RULE_REGISTRY_PARTITION_PREFIXES = ['SVC#', 'TEAM#', 'RULESET', 'TXLOG#'] as const;

/** Partition-key prefixes of change requests and of idempotency records, beside the registry's. */
export const CHANGE_PARTITION_PREFIX = 'CHANGE#';
export const IDEMPOTENCY_PARTITION_PREFIX = 'IDEMPOTENCY#';

/** Partition-key prefix of a stage's promotion lane and recorded stage results. */
export const STAGE_PARTITION_PREFIX = 'STAGE#';

/**
 * Partition-key prefix of the audit pipeline's items: windowed detection state, open alerts
 * and the alert history `ward alerts` reads. Its own prefix, so the detector's role can write
 * here and nowhere else (IAM `dynamodb:LeadingKeys`). Every item of it expires by TTL.
 */
export const AUDIT_PARTITION_PREFIX = 'AUDIT#';
