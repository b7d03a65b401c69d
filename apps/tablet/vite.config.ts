import { defineConfig, transformWithOxc, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const PUBLIC_DIR = fileURLToPath(new URL('./public', import.meta.url));
const SERVICE_WORKER_SOURCE = fileURLToPath(
  new URL('./src/pwa/service-worker.ts', import.meta.url),
);

/**
 * [TA2] The service worker, written by hand (src/pwa/service-worker.ts) and
 * emitted as `sw.js` beside the page with the build's own file list: every
 * file of the bundle and of public/ (source maps aside), and a version that
 * changes with them, so a new build installs a new cache and drops the old.
 */
function serviceWorker(): Plugin {
  return {
    name: 'tablet-service-worker',
    apply: 'build',
    async generateBundle(_options, bundle) {
      const publicFiles = readdirSync(PUBLIC_DIR, { recursive: true, withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) =>
          `${entry.parentPath}/${entry.name}`.slice(PUBLIC_DIR.length + 1).replaceAll('\\', '/'),
        );
      const files = Object.keys(bundle)
        .filter((name) => !name.endsWith('.map') && name !== 'sw.js')
        .sort();
      const precache = [
        './',
        ...files.filter((name) => name !== 'index.html'),
        ...publicFiles.sort(),
      ];
      const hash = createHash('sha256');
      for (const name of files) {
        const item = bundle[name]!;
        hash.update(name);
        hash.update(item.type === 'chunk' ? item.code : item.source);
      }
      for (const name of publicFiles) hash.update(readFileSync(`${PUBLIC_DIR}/${name}`));
      const version = hash.digest('hex').slice(0, 16);
      const source = readFileSync(SERVICE_WORKER_SOURCE, 'utf8');
      const { code } = await transformWithOxc(source, SERVICE_WORKER_SOURCE, { lang: 'ts' });
      const header =
        `const PRECACHE = ${JSON.stringify(precache)};\n` +
        `const VERSION = ${JSON.stringify(version)};\n`;
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: header + code });
    },
  };
}

// Served by the sync server at /tablet/ (same origin as its API and replication).
export default defineConfig({
  root: fileURLToPath(new URL('./src', import.meta.url)),
  publicDir: PUBLIC_DIR,
  base: '/tablet/',
  plugins: [react(), serviceWorker()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 2500,
  },
  logLevel: 'warn',
});
