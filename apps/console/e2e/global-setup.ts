/** Builds the HQ console once before the end-to-end tests, as `npm start` does. */
import { fileURLToPath } from 'node:url';
import { viteBuild } from '../../pos/e2e/vite-build';

/** The built console, for the sync server's `console.staticDir`. */
export const CONSOLE_DIST = fileURLToPath(new URL('../dist', import.meta.url));

export default function setup(): Promise<void> {
  return viteBuild(fileURLToPath(new URL('..', import.meta.url)));
}
