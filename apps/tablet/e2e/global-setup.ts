/**
 * Builds the clerk tablet once before the end-to-end tests, as `npm start`
 * does: a production build (Vitest sets NODE_ENV=test, which would make
 * Vite build for development, without the service worker's registration).
 */
import { fileURLToPath } from 'node:url';
import { viteBuild } from '../../pos/e2e/vite-build';

export default function setup(): Promise<void> {
  return viteBuild(fileURLToPath(new URL('..', import.meta.url)), {
    ...process.env,
    NODE_ENV: 'production',
  });
}
