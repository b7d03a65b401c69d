/**
 * Golden-bytes checks for the printer tests: the exact ESC/POS bytes of a
 * document, and what the printer simulator decodes from them. Imported by
 * tests only.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { PrinterSimulator } from '../simulators/printer-simulator';

const GOLDEN_DIR = join(dirname(fileURLToPath(import.meta.url)), '__golden__');

/** Hex, 32 bytes a line. `UPDATE_GOLDEN=1` rewrites the file (then review the diff). */
export function expectGolden(name: string, bytes: Uint8Array): void {
  const hex =
    (
      Buffer.from(bytes)
        .toString('hex')
        .match(/.{1,64}/g) ?? []
    ).join('\n') + '\n';
  const file = join(GOLDEN_DIR, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(file, hex);
  }
  expect(existsSync(file), `${file} is missing: run with UPDATE_GOLDEN=1`).toBe(true);
  expect(hex).toBe(readFileSync(file, 'utf8'));
}

/** What the printer puts on paper, through the printer simulator. */
export function printed(bytes: Uint8Array): string[] {
  const printer = new PrinterSimulator();
  printer.feed(bytes);
  expect(printer.errors).toEqual([]);
  expect(printer.receipts).toHaveLength(1);
  return printer.receipts[0] as string[];
}
