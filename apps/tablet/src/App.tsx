/**
 * The tablet's screens: sign-in, find a product, its stock here and across
 * the chain, the customer's cart, orders and their pay QR, the pickup desk
 * and the clerk's own sales. They render what the Tablet's use cases return.
 */
import type { Tablet } from './tablet';

export function App({ tablet }: { tablet: Tablet }) {
  return <main data-store={tablet.config.storeId}>{tablet.config.storeName}</main>;
}
