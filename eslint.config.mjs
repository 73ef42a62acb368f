// House rules that a tool checks (`npm run lint`, part of `npm test`): the layer boundaries of
// docs/architecture.md, no import cycles, and typescript-eslint's recommended rules.
import js from '@eslint/js';
import importX from 'eslint-plugin-import-x';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** `from` may not import any of `patterns`; `why` is what the lint message says. */
const boundary = (files, patterns, why) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message: why }] }] },
});

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      '.cache/**',
      'test-results/**',
      'python/**',
      'media/**',
      'bench/experiments/wasm-scan/rows.ts',
      'bench/experiments/wasm-exp/expRow.ts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.mjs'],
    plugins: { 'import-x': importX },
    settings: {
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/resolver': { node: { extensions: ['.ts', '.mjs', '.js'] } },
    },
    rules: {
      'import-x/no-cycle': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Matching control characters on purpose is how file text is escaped for terminals and hovers.
      'no-control-regex': 'off',
    },
  },
  // Scripts, tests and benches run in Node; the page functions Playwright evaluates run in the browser.
  { files: ['**/*.mjs', 'scripts/**', 'bench/**', 'test/**'], languageOptions: { globals: { ...globals.node, ...globals.browser } } },
  // Ambient declarations of globals must use `declare var`, as lib.dom.d.ts does.
  { files: ['**/*.d.ts'], rules: { 'no-var': 'off' } },
  {
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  boundary(
    ['src/node/**'],
    ['vscode', '**/extension/**', '**/webview/**', '**/cli/**'],
    'src/node is Node-only code shared by the CLI and the extension host: it imports only the core and Node.',
  ),
  boundary(
    ['src/core/**'],
    ['vscode', '**/extension/**', '**/webview/**', '**/shared/**', '**/cli/**', 'node:*', 'd3-*'],
    'src/core is pure TypeScript: it imports only src/core (no vscode, no DOM, no Node built-ins).',
  ),
  boundary(
    ['src/webview/**'],
    ['vscode', '**/extension/**', '**/cli/**', '**/node/**', 'node:*'],
    'the webview talks to the host only through src/shared/protocol.ts.',
  ),
  boundary(['src/extension/**'], ['**/webview/**', '**/cli/**'], 'the host talks to the webview only through src/shared/protocol.ts.'),
  boundary(
    ['src/shared/**'],
    ['vscode', '**/extension/**', '**/webview/**', '**/cli/**', 'node:*'],
    'the protocol is shared by both sides: it imports nothing from either.',
  ),
);
