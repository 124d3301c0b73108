// @ts-check
import tseslint from 'typescript-eslint';
import { layerRules } from './eslint.layers.mjs';

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
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-console': 'error',
    },
  },
  ...layerRules,
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
