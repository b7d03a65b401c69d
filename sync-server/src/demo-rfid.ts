/**
 * [RI14] The demo's tagged garments: every unit of the tee style TEE-01 the
 * demo stocks at S001 and S002 carries an SGTIN-96 tag (its SKU's GTIN under
 * the demo's 7-digit company prefix), in stock. Serials are 1..n at S001 and
 * 1001..1000+n at S002, so no EPC is at two stores. Public demo values.
 */
import { encodeSgtin96, touchedItemDocs, type ItemChange } from '@pos/domain';
import { DEMO_STYLE_PRODUCTS, DEMO_STYLE_STOCK } from './demo-clerk';
import { readItems, writeItemChanges } from './rfid/items';
import type { WriteTransaction } from './storage/storage';

/** The stores whose tees are tagged, with the first serial of each. */
export const DEMO_RFID_STORES = [
  { storeId: 'S001', firstSerial: 1 },
  { storeId: 'S002', firstSerial: 1001 },
] as const;

/** When the demo's garments were tagged. */
const TAGGED_AT = '2026-01-01T00:00:00.000Z';

/** The EPCs of the demo's tagged units of `sku` at `storeId`, in serial order (none when untagged). */
export function demoEpcs(storeId: string, sku: string): string[] {
  const store = DEMO_RFID_STORES.find((s) => s.storeId === storeId);
  const product = DEMO_STYLE_PRODUCTS.find((p) => p.id === sku);
  const level = DEMO_STYLE_STOCK.find((l) => l.storeId === storeId && l.sku === sku);
  if (!store || !product || !level) return [];
  return Array.from({ length: level.onHand }, (_, i) => {
    const encoded = encodeSgtin96({ gtin: product.gtin, serial: store.firstSerial + i });
    if (!encoded.ok) throw new Error(encoded.message);
    return encoded.epc;
  });
}

/** Every demo tagged item: its EPC, store, SKU, GTIN and serial. */
export function demoTaggedItems(): {
  epc: string;
  storeId: string;
  sku: string;
  gtin: string;
  serial: string;
}[] {
  return DEMO_RFID_STORES.flatMap(({ storeId, firstSerial }) =>
    DEMO_STYLE_PRODUCTS.flatMap((product) =>
      demoEpcs(storeId, product.id).map((epc, i) => ({
        epc,
        storeId,
        sku: product.id,
        gtin: product.gtin,
        serial: String(firstSerial + i),
      })),
    ),
  );
}

/**
 * [RI14] Tags the demo's garments that are not tagged yet, in the seed's
 * transaction, with their stores' `items` documents; returns how many
 * documents it wrote. A second seed writes nothing (returns 0), and an item
 * sold since stays sold.
 */
export async function seedDemoItems(tx: WriteTransaction): Promise<number> {
  const items = demoTaggedItems();
  const { items: known, revs } = await readItems(
    tx,
    items.map((i) => i.epc),
  );
  const changes: ItemChange[] = items
    .filter((i) => !known.has(i.epc))
    .map((i) => ({
      epc: i.epc,
      before: undefined,
      after: { ...i, state: 'in-stock', updatedAt: TAGGED_AT },
    }));
  await writeItemChanges(tx, changes, revs, TAGGED_AT);
  return changes.length + touchedItemDocs(changes).length;
}
