import {
  parsePipelineSettings,
  type PipelineSettings,
  type PipelineSettingsInput,
} from './pipeline-config';
import { parseStageConfigs, type StageConfig, type WardConfigInput } from './stage-config';

/**
 * The fleet's own stages (where its load balancers, WAF and DNS Firewall run), each its own
 * account: the bank's example values. A deployment of Ward promotes bundles through all
 * three; a bank that runs staging deployments of Ward itself would point those at sandboxes.
 */
const FLEET_STAGES = {
  s101: { account: '222222222222', region: 'eu-west-2' },
  s102: { account: '333333333333', region: 'eu-west-2' },
  prod: { account: '444444444444', region: 'eu-west-2' },
} as const;

/**
 * The example bank's identity provider's public signing key (set your IdP's JWKS here): what
 * the break-glass function verifies people's tokens with.
 */
const IDP_KEYS = {
  keys: [
    {
      kty: 'RSA',
      kid: 'bank-example-2026',
      alg: 'RS256',
      use: 'sig',
      e: 'AQAB',
      n: 'sh6ceXRCuwtQwMHddQeOFKCQRStwi_IKNX_49QF7ebaouZgKYkWJjA_WQY05BCJfZ0WKGlQVRPEsue6ThmD6B83mRZ55zL7c6ZtF_s1oi5ch9qV2zqPcVyOx-2DcuN4uon-TUrraF_KsgJYz1ROFrJJCPRKTOjqUVVE7FgzuRvRL7OSwEp0F5Dvg3525oThRDr0cO-CIyxW5VyyuHOdN4utBjuZ7JiZVlFbVJgcPnw_5nJN2pqWlQNoJ-Y1FjjRA_0r_wC89S2spDZssf8XdpSjrNVUWEhLCaZb-92A3QhufO3uz7Tjkyf3uz9RRvWbrav0mo8o5b16jc48SO0480Q',
    },
  ],
};

/**
 * Break glass, the same in every stage so s101 rehearses production: the example bank's
 * critical services need a second person within 15 minutes, and two emergency roles exist.
 */
const BREAK_GLASS = {
  maxDurationSeconds: 4 * 3600,
  secondPerson: {
    targets: [
      'service.ledger',
      'service.payments',
      'service.card-processing',
      'service.faster-payments',
    ],
    withinMinutes: 15,
  },
  emergencyRoles: {
    'ssm-admin': {
      description: 'A shell on instances through SSM Session Manager',
      actions: [
        'ssm:StartSession',
        'ssm:ResumeSession',
        'ssm:TerminateSession',
        'ssm:DescribeSessions',
        'ec2:DescribeInstances',
      ],
      maxSessionSeconds: 3600,
    },
    'eks-admin': {
      description: 'kubectl on the clusters (the role is mapped to an admin access entry)',
      actions: ['eks:DescribeCluster', 'eks:ListClusters', 'eks:AccessKubernetesApi'],
      maxSessionSeconds: 3600,
    },
  },
  // Workloads outside Kubernetes: `ward break-glass grant --egress HOST --workload-group NAME`
  // writes a DNS Firewall allow associated with these VPCs (the example bank's VM and ECS VPCs).
  dnsFirewall: {
    workloadGroups: {
      'vm-settlement': { vpcIds: ['vpc-0a11c0de5e7713a01', 'vpc-0a11c0de5e7713a02'] },
      'ecs-reporting': { vpcIds: ['vpc-0e5c0de00000f0001'] },
    },
    associationPriority: 101,
  },
};

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
    identity: { issuer: 'https://idp.bank.example/', audience: 'ward-s101', keys: IDP_KEYS },
    // A day: what s101 archives is test traffic, and a locked version cannot be removed sooner.
    auditArchive: { retentionDays: 1, breakGlassRoleName: 'ward-break-glass-s101' },
    approvals: {},
    promotionTargets: FLEET_STAGES,
    breakGlass: BREAK_GLASS,
    auditSources: { kubernetesClusters: ['bank-s101'] },
  },
  // The last stage before production mirrors production, so the gate tests what prod will do.
  s102: {
    region: 'eu-west-2',
    terminationProtection: true,
    registryTable: { deletionProtection: true },
    identity: { issuer: 'https://idp.bank.example/', audience: 'ward-s102', keys: IDP_KEYS },
    auditArchive: { retentionDays: 30, breakGlassRoleName: 'ward-break-glass-s102' },
    approvals: {},
    promotionTargets: FLEET_STAGES,
    breakGlass: BREAK_GLASS,
    auditSources: { kubernetesClusters: ['bank-s102'] },
  },
  prod: {
    region: 'eu-west-2',
    terminationProtection: true,
    registryTable: { deletionProtection: true },
    identity: { issuer: 'https://idp.bank.example/', audience: 'ward-prod', keys: IDP_KEYS },
    // Seven years, the usual record-keeping term for a bank's access logs.
    auditArchive: { retentionDays: 2557, breakGlassRoleName: 'ward-break-glass-prod' },
    approvals: {},
    promotionTargets: FLEET_STAGES,
    breakGlass: BREAK_GLASS,
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
