// The JavaScript's lint (npm test's lint suite): ESLint's recommended rules over the package's
// glue, the mock's glue, the admin page, the examples, the benchmark, the scripts and the tests.
// A name starting with `_` is unused on purpose (a destructured member left out, say).
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['pkg/**', 'target/**', 'node_modules/**', 'test-output/**', '**/node_modules/**', '**/dist/**', '**/.next/**', 'tests/contract-types/generated/**'] },
  js.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      // The build defines the version the user-agent names (scripts/assemble-pkg.mjs).
      globals: { ...globals.browser, ...globals.node, __UPVEST_VERSION__: 'readonly' },
    },
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  {
    files: ['tests/environments/next/**/*.js'],
    languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } },
    // A component used only in JSX (capitalised) counts as used; ESLint's core does not see JSX uses.
    rules: { 'no-unused-vars': ['error', { varsIgnorePattern: '^(_|[A-Z])', argsIgnorePattern: '^_', caughtErrors: 'none' }] },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
];
