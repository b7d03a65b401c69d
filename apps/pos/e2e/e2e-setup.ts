/**
 * Runs in every end-to-end test file: a test during which the renderer threw,
 * left a promise rejection unhandled, or React wrote an error fails, with the
 * errors in its failure message (renderer-errors.ts).
 */
import { afterAll, afterEach } from 'vitest';
import { assertNoRendererErrors } from './renderer-errors';

afterEach(() => {
  assertNoRendererErrors();
});

// What happens after the last test (in its teardown) fails the file.
afterAll(() => {
  assertNoRendererErrors();
});
