/**
 * Screenshots of the main screens, taken by the end-to-end tests. They go to
 * build/screenshots on every run, and into docs/screenshots when
 * UPDATE_SCREENSHOTS=1, so the docs show what the tests saw.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

const root = fileURLToPath(new URL('../../..', import.meta.url));

export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.UPDATE_SCREENSHOTS
    ? `${root}docs/screenshots`
    : `${root}build/screenshots`;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: `${dir}/${name}.png` });
}
