/** Debian's Chromium driven by playwright-core, with the flags that work on these machines. */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import { watchRenderer } from './renderer-errors';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

function chromiumPath(): string {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install Debian's chromium package (see README)`,
    );
  }
  return CHROMIUM_PATH;
}

/** Every page opened in `context` fails the test on a renderer error (renderer-errors.ts). */
function watchContext(context: BrowserContext): BrowserContext {
  for (const page of context.pages()) watchRenderer(page);
  context.on('page', watchRenderer);
  return context;
}

/**
 * A headless Chromium whose pages fail the test on a renderer error;
 * `extraArgs` add flags (the tablet's tests give it a fake camera).
 */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [...FLAGS, ...extraArgs],
  });
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => watchContext(await newContext(options));
  const newPage = browser.newPage.bind(browser);
  browser.newPage = async (options) => watchRenderer(await newPage(options));
  return browser;
}

/**
 * A Chromium process of our own, with a profile on disk, connected over CDP,
 * so a test can kill it outright (SIGKILL) as a crash would, and start
 * another on the same profile.
 */
export async function startKillableChromium(
  userDataDir: string,
): Promise<{ browser: Browser; kill(): Promise<void> }> {
  const child = spawn(
    chromiumPath(),
    [
      '--headless=new',
      '--remote-debugging-port=0',
      `--user-data-dir=${userDataDir}`,
      ...FLAGS,
      'about:blank',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`Chromium did not start: ${seen.slice(-500)}`)),
      30_000,
    );
    child.stderr!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    void exited.then(() => reject(new Error(`Chromium exited: ${seen.slice(-500)}`)));
  });
  const browser = await chromium.connectOverCDP(endpoint);
  for (const context of browser.contexts()) watchContext(context);
  return {
    browser,
    async kill() {
      process.kill(-child.pid!, 'SIGKILL');
      await exited;
    },
  };
}
