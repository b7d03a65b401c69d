/** The console's safety stock, alerts and replenishment endpoints. See SPEC.md [IV1]-[IV7]. */
import type { ConsoleHandler } from '../console/context';

export const serveSafetyStockRoutes: ConsoleHandler = async () => false;
