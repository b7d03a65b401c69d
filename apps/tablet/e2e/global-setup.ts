/**
 * Builds the clerk tablet once before the end-to-end tests, as `npm start`
 * does: a production build (Vitest sets NODE_ENV=test, which would make
 * Vite build for development, without the service worker's registration).
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const appDir = fileURLToPath(new URL('..', import.meta.url));
  execFileSync('npx', ['vite', 'build'], {
    cwd: appDir,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' },
  });
}
