import {
  parsePipelineSettings,
  type PipelineSettings,
  type PipelineSettingsInput,
} from './pipeline-config';
import { parseStageConfigs, type StageConfig, type WardConfigInput } from './stage-config';

/**
 * Every stage's settings: the one place to change them. Accounts are left out on purpose until
 * the pipeline that deploys Ward exists, so every stack stays account-agnostic and synth needs
 * no credentials; set `account` here when a stage gets its home.
 */
export const STAGE_SETTINGS = {
  // The first stage is rebuilt freely, so nothing in it refuses deletion.
  s101: {
    region: 'eu-west-2',
    terminationProtection: false,
    registryTable: { deletionProtection: false },
    identity: { issuer: 'https://idp.bank.example/', audience: 'ward-s101' },
    approvals: {},
    auditSources: { kubernetesClusters: ['bank-s101'] },
  },
  // The last stage before production mirrors production, so the gate tests what prod will do.
  s102: {
    region: 'eu-west-2',
    terminationProtection: true,
    registryTable: { deletionProtection: true },
    identity: { issuer: 'https://idp.bank.example/', audience: 'ward-s102' },
    approvals: {},
    auditSources: { kubernetesClusters: ['bank-s102'] },
  },
  prod: {
    region: 'eu-west-2',
    terminationProtection: true,
    registryTable: { deletionProtection: true },
    identity: { issuer: 'https://idp.bank.example/', audience: 'ward-prod' },
    approvals: {},
    auditSources: { kubernetesClusters: ['bank-prod-a', 'bank-prod-b'] },
  },
} as const satisfies WardConfigInput;

/** The validated per-stage configuration, in promotion order; throws `StageConfigError`. */
export function loadStageConfigs(): readonly StageConfig[] {
  return parseStageConfigs(STAGE_SETTINGS);
}

/**
 * Ward's own delivery pipeline (`cdk synth -c ward:pipeline=true`). The accounts and the
 * connection are the example bank's: set yours before deploying it.
 */
export const PIPELINE_SETTINGS = {
  account: '111111111111',
  region: 'eu-west-2',
  source: {
    repository: 'bank-example/ward',
    branch: 'main',
    connectionArn:
      'arn:aws:codestar-connections:eu-west-2:111111111111:connection/00000000-0000-4000-8000-000000000000',
  },
  stageAccounts: { s101: '222222222222', s102: '333333333333', prod: '444444444444' },
} as const satisfies PipelineSettingsInput;

/** The validated pipeline settings; throws `StageConfigError`. */
export function loadPipelineSettings(): PipelineSettings {
  return parsePipelineSettings(PIPELINE_SETTINGS);
}
