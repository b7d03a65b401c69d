/**
 * Errors in the renderer fail the end-to-end test in which they happen.
 *
 * Every page the harness opens (browser.ts, the Electron windows) is watched:
 * an uncaught exception or an unhandled promise rejection (both reach
 * Playwright as 'pageerror'), and a console error that React wrote, are
 * recorded. The e2e setup file (e2e-setup.ts) takes the record after each test
 * and fails the test with the errors in its message.
 */
import type { ConsoleMessage, Page } from 'playwright-core';

export type RendererError = {
  kind: 'uncaught' | 'react console error';
  url: string;
  text: string;
};

const recorded: RendererError[] = [];
const watched = new WeakSet<Page>();

/**
 * What React writes to the console when something went wrong: production
 * builds write minified errors with a react.dev link; development builds
 * write the full text of errors and warnings.
 */
const REACT_CONSOLE_ERROR = [
  /Minified React error #\d+/,
  /react\.dev\/errors\//,
  /reactjs\.org\/docs\/error-decoder/,
  /The above error occurred in/,
  /^Warning: /,
  /unique "key" prop/,
  /Encountered two children with the same key/,
  /Cannot update a component .* while rendering a different component/,
  /Maximum update depth exceeded/,
  /React does not recognize the/,
  /Each child in a list should have/,
];

export function isReactConsoleError(text: string): boolean {
  return REACT_CONSOLE_ERROR.some((pattern) => pattern.test(text));
}

function describe(error: Error): string {
  const stack = error.stack ?? '';
  // Chromium's stack starts with "Name: message"; keep both when it does not.
  return stack.includes(error.message) ? stack : `${error.name}: ${error.message}\n${stack}`;
}

/** Records the page's uncaught errors, unhandled rejections and React console errors. */
export function watchRenderer(page: Page): Page {
  if (watched.has(page)) return page;
  watched.add(page);
  page.on('pageerror', (error) => {
    recorded.push({ kind: 'uncaught', url: page.url(), text: describe(error) });
  });
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() !== 'error' || !isReactConsoleError(message.text())) return;
    recorded.push({ kind: 'react console error', url: page.url(), text: message.text() });
  });
  return page;
}

/** The errors recorded since the last call, which are then forgotten. */
export function takeRendererErrors(): RendererError[] {
  return recorded.splice(0, recorded.length);
}

/** The failure for `errors`, or null when there were none. */
export function rendererFailure(errors: readonly RendererError[]): Error | null {
  if (errors.length === 0) return null;
  const lines = errors.map(
    (e, i) => `${i + 1}. ${e.kind} at ${e.url}:\n${e.text.replace(/^/gm, '     ')}`,
  );
  return new Error(
    `The renderer reported ${errors.length} error${errors.length === 1 ? '' : 's'} during this test:\n${lines.join('\n')}`,
  );
}

/** Throws the failure for the errors recorded since the last check. */
export function assertNoRendererErrors(): void {
  const failure = rendererFailure(takeRendererErrors());
  if (failure) throw failure;
}
