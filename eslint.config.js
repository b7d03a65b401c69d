import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import { builtinModules } from 'node:module';

// What each package may not import (see each package's README, "Must not
// import"). Tests and test helpers may use Node and real parts.
const TESTS = [
  '**/*.test.ts',
  '**/*.test.tsx',
  '**/*.fixture.ts',
  '**/test-support.ts',
  '**/test-fixtures.ts',
];

const NODE = {
  paths: builtinModules.map((name) => ({ name, message: 'No Node modules here.' })),
  patterns: [{ group: ['node:*'], message: 'No Node modules here.' }],
};
const group = (names, message, allowTypeImports = false) => ({
  group: names,
  message,
  ...(allowTypeImports ? { allowTypeImports } : {}),
});
const REACT = group(
  ['react', 'react/*', 'react-dom', 'react-dom/*', 'zustand', 'zustand/*'],
  'No React here.',
);
const RXDB = group(['rxdb', 'rxdb/*'], 'No RxDB here.');
const ELECTRON = group(['electron', 'electron/*'], 'No Electron here.');
const pkg = (name) => [name, `${name}/*`];
const HARDWARE_DRIVERS = group(
  ['serialport', '@serialport/*', 'node-hid', 'ws', 'iconv-lite', 'epc-tds'],
  'Device drivers live in @pos/hardware.',
);

/** A `no-restricted-imports` rule: Node modules (optionally) and these groups. */
const forbid = ({ node = true, groups }) => ({
  '@typescript-eslint/no-restricted-imports': [
    'error',
    {
      paths: node ? NODE.paths : [],
      patterns: [...(node ? NODE.patterns : []), ...groups],
    },
  ],
});

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
    files: [
      'apps/pos/src/renderer/**/*.{ts,tsx}',
      'apps/shop/src/**/*.{ts,tsx}',
      'apps/tablet/src/**/*.{ts,tsx}',
      'apps/console/src/**/*.{ts,tsx}',
      'packages/ui/src/**/*.{ts,tsx}',
    ],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // The domain core is pure: no IO, no storage, no UI, no other package.
    files: ['packages/domain/src/**/*.ts'],
    ignores: TESTS,
    rules: forbid({
      groups: [
        REACT,
        RXDB,
        ELECTRON,
        HARDWARE_DRIVERS,
        group(['rxjs', 'rxjs/*', 'pg', '@electric-sql/*'], 'No IO or streams in the domain.'),
        group(['@pos/*'], 'The domain imports no other package.'),
      ],
    }),
  },
  {
    // The replica runs in the renderer and the tablet: no Node, no server, no UI, no devices.
    files: ['packages/replica/src/**/*.ts'],
    ignores: TESTS,
    rules: forbid({
      groups: [
        REACT,
        ELECTRON,
        HARDWARE_DRIVERS,
        group([...pkg('@pos/sync-server')], 'The replica speaks to the server over HTTP only.'),
        group([...pkg('@pos/hardware')], 'The replica knows no devices.'),
        group(
          [...pkg('@pos/app-core'), ...pkg('@pos/ui'), ...pkg('@pos/app-pos')],
          'Apps import the replica, not the other way.',
        ),
      ],
    }),
  },
  {
    // Drivers and the hub: Node, but no UI, no replica, no server.
    files: ['hardware/src/**/*.ts'],
    ignores: TESTS,
    rules: forbid({
      node: false,
      groups: [
        REACT,
        RXDB,
        ELECTRON,
        group([...pkg('@pos/replica')], 'Devices know no replica.'),
        group([...pkg('@pos/sync-server')], 'Devices know no sync server.'),
        group(
          [...pkg('@pos/app-core'), ...pkg('@pos/ui'), ...pkg('@pos/app-pos')],
          'Apps import the hardware, not the other way.',
        ),
      ],
    }),
  },
  {
    // The sync server: Node and PostgreSQL, no client code.
    files: ['sync-server/src/**/*.ts'],
    ignores: TESTS,
    rules: forbid({
      node: false,
      groups: [
        REACT,
        RXDB,
        ELECTRON,
        group([...pkg('@pos/replica')], 'The server never runs the replica.'),
        group([...pkg('@pos/hardware')], 'The server knows no devices.'),
        group(
          [...pkg('@pos/app-core'), ...pkg('@pos/ui'), ...pkg('@pos/app-pos')],
          'The server imports no app.',
        ),
      ],
    }),
  },
  {
    // Use cases over ports: the domain, and only types of the replica and the devices.
    files: ['packages/app-core/src/**/*.{ts,tsx}'],
    ignores: TESTS,
    rules: forbid({
      groups: [
        REACT,
        ELECTRON,
        HARDWARE_DRIVERS,
        group(['rxdb', 'rxdb/*'], 'Only RxDB types here: the replica is a port.', true),
        group([...pkg('@pos/replica')], 'Only replica types here: the replica is a port.', true),
        group(
          [...pkg('@pos/hardware')],
          'Only device types here: the device bridge is a port.',
          true,
        ),
        group([...pkg('@pos/sync-server')], 'Apps speak to the server over HTTP only.'),
        group([...pkg('@pos/ui'), ...pkg('@pos/app-pos')], 'The core renders nothing.'),
      ],
    }),
  },
  {
    // Shared React components: React, the domain, device types; no storage, no devices.
    files: ['packages/ui/src/**/*.{ts,tsx}'],
    ignores: TESTS,
    rules: forbid({
      groups: [
        RXDB,
        ELECTRON,
        HARDWARE_DRIVERS,
        group([...pkg('@pos/replica')], 'Components get data from the app core, not the replica.'),
        group([...pkg('@pos/hardware')], 'Only device types in components.', true),
        group([...pkg('@pos/sync-server')], 'Components speak to no server.'),
        group([...pkg('@pos/app-pos')], 'Apps import the UI, not the other way.'),
      ],
    }),
  },
  {
    // The online shop: a customer's phone browser. The server over HTTP only.
    files: ['apps/shop/src/**/*.{ts,tsx}'],
    ignores: TESTS,
    rules: forbid({
      groups: [
        ELECTRON,
        RXDB,
        HARDWARE_DRIVERS,
        group([...pkg('@pos/hardware')], 'The shop drives no devices.'),
        group([...pkg('@pos/replica')], 'The shop holds no replica: it asks the server.'),
        group([...pkg('@pos/sync-server')], 'The shop speaks to the server over HTTP only.'),
      ],
    }),
  },
  {
    // The HQ console: a browser page at head office. The server over HTTP only.
    files: ['apps/console/src/**/*.{ts,tsx}'],
    ignores: TESTS,
    rules: forbid({
      groups: [
        ELECTRON,
        RXDB,
        HARDWARE_DRIVERS,
        group([...pkg('@pos/hardware')], 'The console drives no devices.'),
        group([...pkg('@pos/replica')], 'The console holds no replica: it asks the server.'),
        group([...pkg('@pos/app-core')], 'The console runs no till or tablet use cases.'),
        group([...pkg('@pos/sync-server')], 'The console speaks to the server over HTTP only.'),
        group(
          [
            ...pkg('@pos/app-pos'),
            ...pkg('@pos/app-shop'),
            ...pkg('@pos/app-tablet'),
            '**/apps/*/src/**',
          ],
          'The console imports no other app.',
        ),
      ],
    }),
  },
  {
    // The POS renderer: a sandboxed browser page. Devices through the bridge only.
    files: ['apps/pos/src/renderer/**/*.{ts,tsx}'],
    ignores: TESTS,
    rules: forbid({
      groups: [
        ELECTRON,
        HARDWARE_DRIVERS,
        {
          // The package root holds the Node drivers; its browser entry points are fine.
          regex: '^@pos/hardware$',
          message:
            'Only types from @pos/hardware; at run time use @pos/hardware/protocol, /browser-bridge or /wedge.',
          allowTypeImports: true,
        },
        group([...pkg('@pos/sync-server')], 'The renderer speaks to the server over HTTP only.'),
        group(
          ['**/main/*', '**/preload/*'],
          'The renderer reaches the main process through window.pos only.',
        ),
      ],
    }),
  },
  {
    // The clerk tablet: a browser page on a tablet. Its own replica, the app
    // core; devices through the hub's browser bridge only; the server over HTTP.
    files: ['apps/tablet/src/**/*.{ts,tsx}'],
    ignores: TESTS,
    rules: forbid({
      groups: [
        ELECTRON,
        HARDWARE_DRIVERS,
        {
          // The package root holds the Node drivers; its browser entry points are fine.
          regex: '^@pos/hardware$',
          message:
            'Only types from @pos/hardware; at run time use @pos/hardware/protocol, /browser-bridge or /wedge.',
          allowTypeImports: true,
        },
        group([...pkg('@pos/sync-server')], 'The tablet speaks to the server over HTTP only.'),
        group([...pkg('@pos/app-pos'), '**/apps/pos/**'], 'The tablet imports no other app.'),
      ],
    }),
  },
  {
    // The tablet's service worker: a worker, not a page.
    files: ['apps/tablet/src/pwa/service-worker.ts'],
    languageOptions: { globals: { ...globals.serviceworker } },
  },
  {
    // The preload: Electron's bridge and the shared contract, nothing else.
    files: ['apps/pos/src/preload/**/*.ts'],
    ignores: TESTS,
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(?!electron$|\\.\\./shared/)',
              message: 'The preload imports only electron and ../shared.',
            },
          ],
        },
      ],
    },
  },
  {
    // The Electron main process: Node and devices, no UI.
    files: ['apps/pos/src/main/**/*.ts'],
    ignores: TESTS,
    rules: forbid({
      node: false,
      groups: [
        REACT,
        RXDB,
        group([...pkg('@pos/ui'), ...pkg('@pos/app-core')], 'The main process renders nothing.'),
        group(['**/renderer/*'], 'The main process does not import renderer code.'),
      ],
    }),
  },
  {
    // The app core runs on every device: no IO of its own, time and timers come in as ports.
    // (What it may import is stated above.)
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
    },
  },
  {
    // Shared React components run in a browser. (What they may import is stated above.)
    files: ['packages/ui/src/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
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
    },
  },
);
