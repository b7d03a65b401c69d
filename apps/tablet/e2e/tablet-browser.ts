/**
 * Chromium for the tablet's end-to-end tests: the POS tests' Chromium
 * (apps/pos/e2e/browser.ts, whose pages fail the test on a renderer error)
 * with a fake camera playing a video the test made (fake-camera.ts), and a
 * tablet's context: 1280×800, touch, zh-CN, Shanghai time.
 */
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium } from '../../pos/e2e/browser';

/** A 10-inch tablet in landscape. */
export const TABLET_VIEWPORT = { width: 1280, height: 800 };

/** Chromium with its camera playing `cameraVideo` (a Y4M file), granted without asking. */
export function launchTabletChromium(cameraVideo: string): Promise<Browser> {
  return launchChromium([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-video-capture=${cameraVideo}`,
  ]);
}

/** A tablet: 1280×800, touch, zh-CN, in Shanghai, allowed to use the camera on `origin`. */
export async function newTablet(browser: Browser, origin: string): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: TABLET_VIEWPORT,
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  await context.grantPermissions(['camera'], { origin });
  return context;
}
