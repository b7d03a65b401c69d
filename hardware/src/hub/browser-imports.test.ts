import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';

/**
 * The renderer bundles protocol.ts and browser-bridge.ts. They, and the files
 * they import, may hold only type imports apart from ./protocol.
 */
const runtimeImports = (source: string) =>
  [...source.matchAll(/^\s*(?:import|export)\s+(?!type\b)[^;]*?from\s+'([^']+)'/gms)].map(
    (m) => m[1],
  );

describe('browser-facing modules', () => {
  it.each([
    ['hub/protocol.ts', []],
    ['hub/browser-bridge.ts', ['./protocol-version']],
    ['hub/protocol-version.ts', []],
    ['rfid/tag-read.ts', []],
    ['device-status.ts', []],
    ['scanner/scan-event.ts', []],
    ['scanner/wedge-detector.ts', ['./scan-line']],
    ['scanner/scan-line.ts', []],
  ])('%s has no runtime imports', async (file, allowed) => {
    const source = await readFile(new URL(`../${file}`, import.meta.url), 'utf8');
    expect(runtimeImports(source)).toEqual(allowed);
    expect(source).not.toMatch(/from '(node:|ws|serialport|iconv-lite)/);
  });
});

describe('package subpaths', () => {
  it('@pos/hardware/wedge resolves to the keyboard-wedge detector', async () => {
    const wedge = await import('@pos/hardware/wedge');
    expect(new wedge.WedgeScanDetector().options.minLength).toBe(6);
  });
});
