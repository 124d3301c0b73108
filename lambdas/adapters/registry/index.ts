export { DynamoRuleRegistry } from './rule-registry';
export type { DynamoRuleRegistryDependencies, RegistryStatus, WriteOptions } from './rule-registry';
export { ruleRegistryFromEnvironment } from './from-environment';
export type { RegistryFromEnvironmentOptions } from './from-environment';
export type { Lookup } from './lookups';
export type { GarbageReport } from './garbage-collector';
export type { WriteLease } from './head-store';
export {
  BatchWriteIncompleteError,
  LeaseLostError,
  RegistryBusyError,
  RegistryConfigurationError,
  RegistryCorruptError,
  RegistryMaintenanceError,
  RuleSetConflictError,
  WriteAbortedError,
} from './errors';
