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
  },
  // The last stage before production mirrors production, so the gate tests what prod will do.
  s102: {
    region: 'eu-west-2',
    terminationProtection: true,
    registryTable: { deletionProtection: true },
    identity: { issuer: 'https://idp.bank.example/', audience: 'ward-s102' },
    approvals: {},
  },
  prod: {
    region: 'eu-west-2',
    terminationProtection: true,
    registryTable: { deletionProtection: true },
    identity: { issuer: 'https://idp.bank.example/', audience: 'ward-prod' },
    approvals: {},
  },
} as const satisfies WardConfigInput;

/** The validated per-stage configuration, in promotion order; throws `StageConfigError`. */
export function loadStageConfigs(): readonly StageConfig[] {
  return parseStageConfigs(STAGE_SETTINGS);
}
