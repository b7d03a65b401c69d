/** Builds the renderer once before the end-to-end tests, as `npm start` does. */
import { fileURLToPath } from 'node:url';
import { viteBuild } from './vite-build';

export default function setup(): Promise<void> {
  return viteBuild(fileURLToPath(new URL('..', import.meta.url)));
}
