import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

const NODE_GLOBALS = Object.fromEntries(
  ['process', 'console', 'Buffer', 'URL', 'URLSearchParams', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'fetch', 'globalThis'].map((g) => [
    g,
    'readonly',
  ]),
);

/**
 * ESLint (flat config): JavaScript's and typescript-eslint's recommended rules over the whole tree, and the rules of
 * hooks in the console. `npm test` runs it (`npm run lint`) and fails on any error. Build output and generated files
 * are not linted.
 */
export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.data/**', 'coverage/**', 'apps/console/src/api/schema.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      // `_name` marks a value left out on purpose; `{ a, ...rest }` drops `a` from `rest`.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // Plain JavaScript here is Node: CI scripts, Jest's global setup, the build helpers.
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: NODE_GLOBALS },
  },
  {
    // Tests, benchmarks, test helpers and the demo client read JSON bodies nobody typed; `any` is allowed there.
    files: ['test/**', 'bench/**', 'libs/testing/**', 'scripts/**', '**/*.spec.ts', '**/*.test.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['apps/console/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
);
