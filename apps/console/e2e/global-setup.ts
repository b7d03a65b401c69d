/** Builds the HQ console once before the end-to-end tests, as `npm start` does. */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const appDir = fileURLToPath(new URL('..', import.meta.url));
  execFileSync('npx', ['vite', 'build'], { cwd: appDir, stdio: 'inherit' });
}
