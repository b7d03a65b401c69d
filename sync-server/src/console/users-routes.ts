/** PLACEHOLDER (console-auth): this feature's `/_console/…` endpoints. */
import type { ConsoleHandler } from './context';

export const serveUserRoutes: ConsoleHandler = async () => false;
