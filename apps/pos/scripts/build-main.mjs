// Bundles the Electron main process and preload to CommonJS next to the renderer build.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  absWorkingDir: root,
  // Workspace packages are TypeScript sources, so they are bundled; only Electron
  // and native bindings (and ws's optional native helpers) load at run time.
  external: ['electron', '@serialport/bindings-cpp', 'node-hid', 'bufferutil', 'utf-8-validate'],
  logLevel: 'warning',
};
await build({ ...common, entryPoints: ['src/main/main.ts'], outfile: 'dist/main/main.cjs' });
await build({
  ...common,
  entryPoints: ['src/preload/preload.ts'],
  outfile: 'dist/preload/preload.cjs',
});
