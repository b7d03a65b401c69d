import { defineConfig } from 'vitest/config';

const ignored = ['**/node_modules/**', '**/dist/**', '**/build/**'];

export default defineConfig({
  test: {
    // Vitest's default on a 2-core machine is one worker (cores - 1), which leaves a core idle
    // whenever a test waits on PostgreSQL, a child process or a socket. Two workers keep both
    // busy; end-to-end files still run one at a time (fileParallelism: false below). The domain's
    // unit tests: 156-162 s on one worker, 92-113 s on two, same CPU time (shared machine, load 16-22).
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['**/src/**/*.test.ts', 'scripts/*.test.ts', 'apps/tablet/e2e/*.test.ts'],
          exclude: [...ignored, '**/*.int.test.ts', '**/*.e2e.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude: ignored,
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['**/*.e2e.test.ts'],
          exclude: ignored,
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
          globalSetup: ['apps/pos/e2e/build-apps.ts'],
          setupFiles: ['apps/pos/e2e/e2e-setup.ts'],
        },
      },
    ],
  },
});
