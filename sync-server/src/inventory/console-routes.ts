/** PLACEHOLDER (inventory): this feature's `/_console/…` endpoints. */
import type { ConsoleHandler } from '../console/context';

export const serveInventoryConsoleRoutes: ConsoleHandler = async () => false;
