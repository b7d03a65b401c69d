/** PLACEHOLDER (shelf-labels): this feature's `/_console/…` endpoints. */
import type { ConsoleHandler } from '../console/context';

export const serveLabelConsoleRoutes: ConsoleHandler = async () => false;
