/**
 * The harness's rule: a test during which the renderer throws, leaves a
 * promise rejection unhandled, or React writes an error, fails, and its
 * failure message holds the error. Each `it.fails` below breaks the renderer
 * and would pass on its own; only the harness can fail it. The failures are
 * kept and read by the last test.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './browser';

describe('a renderer error fails the end-to-end test', () => {
  let browser: Browser;
  let page: Page;
  const failures = new Map<string, string>();

  /** Keeps the failure message of the current test under `name`. */
  function keepFailure(name: string): void {
    onTestFailed(({ task }) => {
      failures.set(name, (task.result?.errors ?? []).map((e) => e.message).join('\n'));
    });
  }

  beforeAll(async () => {
    browser = await launchChromium();
    page = await browser.newPage();
    await page.setContent('<main>till</main>');
  });

  afterAll(async () => {
    await browser?.close();
  });

  it.fails('an uncaught exception in the renderer fails the test', async () => {
    keepFailure('uncaught');
    const reported = page.waitForEvent('pageerror');
    await page.evaluate(() => {
      setTimeout(() => {
        throw new Error('the till fell over');
      });
    });
    await reported;
  });

  it.fails('an unhandled promise rejection in the renderer fails the test', async () => {
    keepFailure('rejection');
    const reported = page.waitForEvent('pageerror');
    await page.evaluate(() => {
      void Promise.reject(new Error('nobody caught this refund'));
    });
    await reported;
  });

  it.fails('an error React writes to the console fails the test', async () => {
    keepFailure('react');
    const written = page.waitForEvent('console', (m) => m.type() === 'error');
    await page.evaluate(() => {
      // What a production React build writes for an error in a component.
      console.error(
        'Minified React error #185; visit https://react.dev/errors/185 for the full message',
      );
    });
    await written;
  });

  it('other console errors, such as a refused request, do not fail the test', async () => {
    const written = page.waitForEvent('console', (m) => m.type() === 'error');
    await page.evaluate(() =>
      console.error('Failed to load resource: net::ERR_CONNECTION_REFUSED'),
    );
    await written;
  });

  it('each failure message holds the renderer’s error', () => {
    expect(failures.get('uncaught')).toMatch(
      /^The renderer reported 1 error during this test:\n1\. uncaught at about:blank:\n\s+Error: the till fell over/,
    );
    expect(failures.get('rejection')).toMatch(
      /1\. uncaught at .*\n\s+Error: nobody caught this refund/,
    );
    expect(failures.get('react')).toMatch(
      /1\. react console error at .*\n\s+Minified React error #185; visit https:\/\/react\.dev\/errors\/185/,
    );
  });
});
