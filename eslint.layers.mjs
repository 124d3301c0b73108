// @ts-check
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';

/**
 * The layers of DESIGN.md, enforced: each zone names a folder (`target`) and what it may not
 * import (`from`); `bannedPackages` keeps SDKs and I/O out of the layers that must not have
 * them. Kept apart from eslint.config.mjs so a test can lint probes with these rules alone.
 */
const layerZones = [
  {
    target: './lambdas/contracts',
    from: [
      './lambdas/core',
      './lambdas/adapters',
      './lambdas/handlers',
      './lib',
      './cli',
      './local',
      './rpcmap',
    ],
    message: 'contracts import zod only.',
  },
  {
    target: './lambdas/core',
    from: [
      './lambdas/adapters',
      './lambdas/handlers',
      './lib',
      './cli',
      './local',
      './rpcmap',
      './bin',
    ],
    message: 'core is pure: it imports contracts only.',
  },
  {
    target: './lambdas/adapters',
    from: ['./lambdas/handlers', './lib', './cli', './local', './rpcmap', './bin'],
    message: 'adapters import core and the AWS SDK only.',
  },
  {
    target: './lambdas/handlers',
    from: ['./lib', './cli', './local', './rpcmap', './bin'],
    message: 'handlers import core and adapters only.',
  },
  {
    target: './lib',
    from: [
      './lambdas/core',
      './lambdas/adapters',
      './lambdas/handlers',
      './cli',
      './local',
      './rpcmap',
    ],
    message: 'CDK code imports only lambdas/contracts from the runtime.',
  },
  {
    target: './rpcmap',
    from: ['./lambdas/adapters', './lambdas/handlers', './lib', './cli', './local', './bin'],
    message: 'rpcmap imports core only.',
  },
  {
    target: './cli',
    from: ['./lambdas/handlers', './lib', './bin'],
    message: 'the CLI imports core, adapters, rpcmap and local.',
  },
];

/** Packages a layer must not use, whatever the path. */
const bannedPackages = (layer, patterns, message) => ({
  files: [`${layer}/**/*.ts`],
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] },
});

/** @type {import('eslint').Linter.Config[]} */
export const layerRules = [
  {
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: { 'import-x/no-restricted-paths': ['error', { zones: layerZones }] },
  },
  {
    files: ['lambdas/contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: '^(?!zod$|\\./)', message: 'contracts import zod and each other only.' },
          ],
        },
      ],
    },
  },
  bannedPackages(
    'lambdas/core',
    [
      '@aws-sdk/*',
      'aws-lambda',
      'aws-cdk-lib',
      'aws-cdk-lib/*',
      'constructs',
      'node:fs',
      'node:fs/*',
      'fs',
      'node:net',
      'node:http',
      'node:https',
      'node:child_process',
    ],
    'core is pure: no AWS SDK, no Lambda types, no CDK, no file or network I/O.',
  ),
  bannedPackages('lib', ['@aws-sdk/*'], 'CDK code wires resources; it never calls AWS itself.'),
];
