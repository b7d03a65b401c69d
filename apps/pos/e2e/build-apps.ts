/**
 * The end-to-end tests' global setup: runs the four web apps' own global
 * setups (POS renderer, shop, clerk tablet, HQ console: each a Vite build)
 * at the same time rather than one after another. A build mostly waits on
 * its bundler's threads and the disk, so together they take little more
 * than the slowest one.
 */
const SETUPS = [
  './global-setup.ts',
  '../../shop/e2e/global-setup.ts',
  '../../tablet/e2e/global-setup.ts',
  '../../console/e2e/global-setup.ts',
];

export default async function setup(): Promise<void> {
  await Promise.all(
    SETUPS.map(async (path) => {
      const setupModule = (await import(new URL(path, import.meta.url).href)) as {
        default: () => Promise<void>;
      };
      await setupModule.default();
    }),
  );
}
