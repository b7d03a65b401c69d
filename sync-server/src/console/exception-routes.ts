/** PLACEHOLDER (exceptions): this feature's `/_console/…` endpoints. */
import type { ConsoleHandler } from './context';

export const serveExceptionRoutes: ConsoleHandler = async () => false;
