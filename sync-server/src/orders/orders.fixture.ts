/**
 * What the order-center tests share: one hot SKU at S001, an order for
 * pickup of it, its stock level and its held units.
 */
import { heldUnitsId, type HeldUnits, type StockLevel } from '@pos/domain';
import type { SyncStorage } from '../storage/storage';
import type { PlaceOrderInput } from './holds';

export const HOT_SKU = 'SKU-HOT';

/** An order of `quantity` units of the hot SKU for pickup at S001, at ¥10 each. */
export function pickupOrder(
  quantity = 1,
  customer = 'M1',
): Omit<PlaceOrderInput, 'idempotencyKey'> {
  return {
    channel: 'shop',
    customer: { memberId: customer },
    lines: [
      {
        lineId: 'L1',
        sku: HOT_SKU,
        quantity,
        unitPrice: 1000,
        net: 1000 * quantity,
        fulfilment: { mode: 'pickup', storeId: 'S001' },
      },
    ],
    total: 1000 * quantity,
  };
}

/** Creates the stock level of `sku` at `storeId` with `onHand` units. */
export async function seedStock(
  storage: SyncStorage,
  onHand: number,
  storeId = 'S001',
  sku = HOT_SKU,
): Promise<void> {
  const id = `${storeId}:${sku}`;
  const level: StockLevel = { id, storeId, sku, onHand };
  await storage.transaction((tx) =>
    tx.put({ db: 'stock', id, body: level, storeId, expectedRev: null }),
  );
}

/** [ATP3] The stock level of `sku` at `storeId`, as the store's devices receive it. */
export async function stockLevel(
  storage: SyncStorage,
  storeId = 'S001',
  sku = HOT_SKU,
): Promise<StockLevel | undefined> {
  const id = `${storeId}:${sku}`;
  return (await storage.getDocs('stock', [id], null)).get(id)?.body as StockLevel | undefined;
}

/** [ATP3] The units of the hot SKU held at S001: its `held` store document. */
export async function heldUnits(
  storage: SyncStorage,
  storeId = 'S001',
  sku = HOT_SKU,
): Promise<number> {
  const id = heldUnitsId(storeId, sku);
  const row = (await storage.getDocs('storeState', [id], null)).get(id);
  return (row?.body as HeldUnits | undefined)?.held ?? 0;
}
