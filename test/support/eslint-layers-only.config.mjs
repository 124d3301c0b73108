// Lints layering probes with the layer rules alone (no type information is needed for them).
import tseslint from 'typescript-eslint';
import { layerRules } from '../../eslint.layers.mjs';

export default [
  { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } },
  ...layerRules,
];
