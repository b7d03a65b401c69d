/**
 * The push benchmark's chain: its stores, catalog, devices and the sales they
 * push, the same in every process of the benchmark (the orchestrator, the
 * server processes that seed, the client processes that push).
 */
import {
  ledgerMovementsForSale,
  stockLevelId,
  withCheckDigit,
  type Price,
  type Product,
  type SaleFact,
  type StockLevel,
  type Store,
} from '@pos/domain';
import { cashSale } from '../cash-sale';

export const LINES = 3;

export type Shape = {
  clients: number;
  stores: number;
  skus: number;
  /** Units on hand every store starts with of every SKU; 0 seeds no stock levels (every line oversells). */
  onHand: number;
};
export type Device = { deviceId: string; storeId: string; token: string };

const storeId = (s: number) => `S${String(s + 1).padStart(3, '0')}`;

export function chain(shape: Shape) {
  const { clients, stores: storeCount, skus } = shape;
  const stores: Store[] = Array.from({ length: storeCount }, (_, s) => ({
    id: storeId(s),
    name: `Store ${s + 1}`,
    address: `${s + 1} Bench Road`,
    currency: 'CNY',
    status: 'open',
  }));
  const products: Product[] = Array.from({ length: skus }, (_, i) => ({
    id: `SKU-${String(i + 1).padStart(7, '0')}`,
    name: `Product ${i + 1}`,
    gtin: `0${withCheckDigit(`69${String(i + 1).padStart(10, '0')}`)}`,
    category: ['Beverages', 'Grocery', 'Snacks', 'Apparel'][i % 4]!,
    taxClass: i % 3 === 0 ? 'VAT9' : 'VAT13',
    status: 'active',
  }));
  const prices: Price[] = products.map((p, i) => ({
    id: `CN-LIST:${p.id}`,
    priceList: 'CN-LIST',
    sku: p.id,
    amount: 100 + ((i * 37) % 5000),
    currency: 'CNY',
  }));
  const devices: Device[] = Array.from({ length: clients }, (_, c) => {
    const store = storeId(c % storeCount);
    const deviceId = `${store}-POS${Math.floor(c / storeCount) + 1}`;
    return { deviceId, storeId: store, token: `bench-push-${deviceId}` };
  });
  const levels: StockLevel[] =
    shape.onHand > 0
      ? stores.flatMap((store) =>
          products.map((p) => ({
            id: stockLevelId(store.id, p.id),
            storeId: store.id,
            sku: p.id,
            onHand: shape.onHand,
          })),
        )
      : [];
  return { stores, products, prices, devices, levels };
}

/** Sale `n` of a device: 3 distinct SKUs, 1-3 units each, paid in exact cash, as a till builds it. */
export function makeSale(
  { products, prices }: Pick<ReturnType<typeof chain>, 'products' | 'prices'>,
  device: Device,
  n: number,
  id: string,
): SaleFact {
  const skus = products.length;
  const lines = Array.from({ length: LINES }, (_, line) => {
    const i = (n * 7 + line * Math.floor(skus / LINES) + device.deviceId.length) % skus;
    return { product: products[i]!, price: prices[i]!, quantity: 1 + ((n + line) % 3) };
  });
  return cashSale(lines, device, id);
}

/** Units a sale takes off the stock levels. */
export const unitsOf = (sale: SaleFact): number =>
  ledgerMovementsForSale(sale).reduce((sum, m) => sum + m.quantity, 0);
