import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/build/**', '.data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['apps/pos/src/renderer/**/*.{ts,tsx}', 'packages/ui/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // The replica runs in the renderer: no Node modules outside its tests.
    files: ['packages/replica/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['node:*', '@pos/sync-server'] }] },
  },
  {
    // The app core runs on every device: plain TypeScript over the ports it is given.
    files: ['packages/app-core/src/**/*.ts'],
    ignores: ['**/*.test.ts', '**/*.fixture.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        'fetch',
        'setTimeout',
        'setInterval',
        'window',
        'document',
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: ['node:*', 'react', 'react-dom', 'rxdb', 'rxdb/*', 'zustand', '@pos/ui'],
          paths: [
            {
              name: '@pos/replica',
              allowTypeImports: true,
              message: 'Types only: the replica is a port.',
            },
            {
              name: '@pos/hardware',
              allowTypeImports: true,
              message: 'Types only: devices are a port.',
            },
            { name: '@pos/hardware/protocol', allowTypeImports: true, message: 'Types only.' },
          ],
        },
      ],
    },
  },
  {
    // Shared React components: no Node, no database, no device or replica runtime.
    files: ['packages/ui/src/**/*.{ts,tsx}'],
    ignores: ['**/*.test.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: ['node:*', 'rxdb', 'rxdb/*', 'zustand', '@pos/app-core', '@pos/sync-server'],
          paths: [
            { name: '@pos/replica', allowTypeImports: true, message: 'Types only.' },
            { name: '@pos/hardware/protocol', allowTypeImports: true, message: 'Types only.' },
          ],
        },
      ],
    },
  },
  {
    // The domain core is pure: no IO, no clock, no randomness.
    files: ['packages/domain/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-globals': [
        'error',
        'fetch',
        'setTimeout',
        'setInterval',
        'process',
        'window',
        'document',
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='Date'][property.name='now']",
          message: 'Pass time in.',
        },
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'Pass time in.',
        },
        {
          selector: "MemberExpression[object.name='Math'][property.name='random']",
          message: 'Pass ids in.',
        },
      ],
      'no-restricted-imports': [
        'error',
        { patterns: ['node:*', 'fs', 'path', 'http', 'rxdb', 'rxdb/*'] },
      ],
    },
  },
);
