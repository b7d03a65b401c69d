import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

// The renderer is built once and loaded from disk by Electron (file://) or
// served by the terminal host to a browser, so asset paths are relative.
export default defineConfig({
  root: fileURLToPath(new URL('./src/renderer', import.meta.url)),
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: true,
    // One bundle for a desktop app loaded from disk; splitting buys nothing here.
    chunkSizeWarningLimit: 1500,
  },
  logLevel: 'warn',
});
