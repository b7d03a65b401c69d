/** PLACEHOLDER (rollups): this feature's `/_console/…` endpoints. */
import type { ConsoleHandler } from './context';

export const serveDashboardRoutes: ConsoleHandler = async () => false;
