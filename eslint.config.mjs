// @ts-check
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import importX from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/**
 * The layers of DESIGN.md, enforced: each zone names a folder (`target`) and what it may not
 * import (`from`). Package bans (AWS SDK in the core, say) are in `bannedPackages` below.
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
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      { patterns: [{ group: patterns, message, allowTypeImports: false }] },
    ],
  },
});

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'cdk.out/',
      'dist/',
      'out/',
      'coverage/',
      'test/fixtures/',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'import-x': importX },
    settings: {
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones: layerZones }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'error',
    },
  },
  bannedPackages('lambdas/contracts', ['*', '!zod'], 'contracts import zod only.'),
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
  {
    // jest's asymmetric matchers (expect.stringMatching...) are typed `any` by design, and
    // tests read parsed YAML and JSON whose shape they then assert.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    // The CLI and scripts talk to people on the console; runtime code logs through Powertools.
    files: [
      'cli/**/*.ts',
      'bin/**/*.ts',
      'bench/**/*.ts',
      'scripts/**/*.ts',
      'test/**/*.ts',
      'local/**/*.ts',
    ],
    rules: { 'no-console': 'off' },
  },
);
