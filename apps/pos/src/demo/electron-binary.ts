/**
 * Where the Electron executable is, or null when it is not installed. Reads
 * what Electron's own index.js reads, without its fallback of downloading the
 * binary on first use (which cannot succeed on an offline machine).
 * Install it with `npx install-electron` where Electron's release host is reachable.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export function findElectronBinary(): string | null {
  let dir: string;
  try {
    dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(dir, 'path.txt');
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const name = existsSync(pathFile) ? readFileSync(pathFile, 'utf8') : 'electron';
    const binary = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, name);
    return existsSync(binary) ? binary : null;
  }
  if (!existsSync(pathFile)) return null;
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8'));
  return existsSync(binary) ? binary : null;
}
