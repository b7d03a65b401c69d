/**
 * The packaging configuration (../../electron-builder.yml) against the build:
 * every native module the main bundle leaves external ships as a dependency
 * and is unpacked from the asar archive, for each target the issue names.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const read = (path: string) => readFileSync(fileURLToPath(new URL(path, import.meta.url)), 'utf8');
const builder = read('../../../../electron-builder.yml');
const buildMain = read('../../scripts/build-main.mjs');
const pkg = JSON.parse(read('../../package.json')) as { dependencies: Record<string, string> };

const NATIVE = ['@serialport/bindings-cpp', 'node-hid'];

describe('packaging', () => {
  it('builds AppImage and deb for Linux and NSIS for Windows', () => {
    expect(builder).toMatch(/linux:\s*\n\s*target: \[AppImage, deb\]/);
    expect(builder).toMatch(/win:\s*\n\s*target: \[nsis\]/);
  });

  it('ships and unpacks every native module the main bundle leaves external', () => {
    for (const name of NATIVE) {
      expect(buildMain).toContain(`'${name}'`);
      expect(Object.keys(pkg.dependencies)).toContain(name);
      expect(builder).toContain(`'**/node_modules/${name}/**'`);
    }
  });
});
