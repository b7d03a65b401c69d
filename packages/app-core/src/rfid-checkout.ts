/**
 * RFID checkout at the till: which tag reads reach the cart (the counter
 * reader's only), what the replica knows of the tags read (products by
 * GTIN, the store's sold EPCs, this till's own), and how the outcome is told.
 * The rule itself is the domain's (rfid-checkout.ts [RC1]-[RC4]).
 * See SPEC.md [RK1]-[RK4].
 */
import {
  decodeSgtin96,
  gtinsOfReads,
  planTagReads,
  type CheckoutCart,
  type CounterTagRead,
  type RfidAddition,
  type RfidCatalogEntry,
  type RfidRefusal,
  type RfidRefusalReason,
  type TagReadPlan,
} from '@pos/domain';
import type { TillReplica } from '@pos/replica';
import { info, type Notice } from './outcome';

/** A tag read as the hub reports it: the reader (`source`) and antenna matter here. */
export type TillTagRead = CounterTagRead & { source: string };

/** [RK1] What the counter's tag reads did to the cart. */
export type RfidCheckoutResult = {
  /** Per SKU, the units added (one per EPC). */
  added: { sku: string; name: string; epcs: string[] }[];
  /** Every EPC refused, with the reason ([RC2]); `in-cart` repeats included. */
  refused: RfidRefusal[];
  /** Reads from another reader than the counter's, left alone. */
  ignored: number;
};

/**
 * [RK1] The reads that may ring up a sale: the counter reader's (by device
 * id, `reader`, optionally `reader#antenna`); none when no counter reader is
 * known, so a shop-floor or fitting-room reader never adds to a cart.
 */
export function counterReads<R extends TillTagRead>(
  reads: readonly R[],
  counterReader: string | undefined,
): { counter: R[]; ignored: number } {
  if (!counterReader) return { counter: [], ignored: reads.length };
  const [reader, antenna] = counterReader.split('#');
  const counter = reads.filter(
    (r) => r.source === reader && (antenna === undefined || String(r.antenna) === antenna),
  );
  return { counter, ignored: reads.length - counter.length };
}

/**
 * [RK2] This till's EPCs sold and not returned, read once from its facts and
 * then kept: each sale it records adds its EPCs; a return recorded here
 * reads them again.
 */
export function createSoldHereCache(replica: Pick<TillReplica, 'epcsSoldHere'>) {
  let sold: Promise<Map<string, string>> | null = null;
  return {
    get: (): Promise<Map<string, string>> => (sold ??= replica.epcsSoldHere()),
    sold(epcs: readonly string[], at: string): void {
      if (!sold || epcs.length === 0) return;
      sold = sold.then((map) => {
        for (const epc of epcs) map.set(epc, at);
        return map;
      });
    },
    forget(): void {
      sold = null;
    },
  };
}

/** [RC1] [RC2] Plans the reads against what the replica holds: catalog, `items` docs, this till's sales. */
export async function planCounterReads(
  replica: Pick<TillReplica, 'byBarcode' | 'storeItems'>,
  soldHere: Map<string, string>,
  cart: Pick<CheckoutCart, 'lines'>,
  reads: readonly CounterTagRead[],
): Promise<TagReadPlan> {
  const productsByGtin = new Map<string, RfidCatalogEntry>();
  await Promise.all(
    gtinsOfReads(reads).map(async (gtin) => {
      const found = await replica.byBarcode(gtin);
      if (found.found) {
        productsByGtin.set(gtin, {
          product: found.product,
          price: found.price,
          ...(found.measure ? { measure: true } : {}),
        });
      }
    }),
  );
  const skus = [...new Set([...productsByGtin.values()].map((e) => e.product.id))];
  const items = await replica.storeItems(skus);
  return planTagReads(cart, reads, {
    productsByGtin,
    storeItemsBySku: new Map(items.map((d) => [d.sku, d])),
    soldHere,
  });
}

/**
 * [RK5] The cart without the units whose EPCs are in `sold` (a cart put
 * aside, resumed after they were sold here): each such unit is dropped from
 * its line, a line left with none removed; the dropped units are refused
 * as sold here.
 */
export function withoutEpcs(
  cart: CheckoutCart,
  sold: ReadonlyMap<string, string>,
): { cart: CheckoutCart; dropped: RfidRefusal[] } {
  const dropped: RfidRefusal[] = [];
  const lines = cart.lines.flatMap((line) => {
    if (!line.epcs?.some((e) => sold.has(e))) return [line];
    const epcs = line.epcs.filter((e) => !sold.has(e));
    for (const epc of line.epcs.filter((e) => sold.has(e))) {
      dropped.push({
        epc,
        reason: 'sold-here',
        message: `${line.name} (tag ${epc}) was already sold at this till`,
        gtin: line.gtin,
        sku: line.sku,
        name: line.name,
      });
    }
    return epcs.length ? [{ ...line, epcs, quantity: epcs.length }] : [];
  });
  return { cart: { ...cart, lines }, dropped };
}

const REFUSAL_CODES: Record<Exclude<RfidRefusalReason, 'in-cart'>, string> = {
  'sold-at-store': 'RFID_SOLD',
  'sold-here': 'RFID_SOLD',
  'not-sgtin': 'RFID_NOT_TRADE_ITEM',
  'unknown-product': 'RFID_UNKNOWN_PRODUCT',
  weighed: 'RFID_WEIGHED',
  'not-sellable': 'RFID_NOT_SELLABLE',
};

const REFUSAL_WORDS: Record<string, string> = {
  RFID_SOLD: 'Already sold',
  RFID_NOT_TRADE_ITEM: "Not a trade item's tag",
  RFID_UNKNOWN_PRODUCT: 'No product in the catalog for tag',
  RFID_WEIGHED: 'Weighed items are not sold by RFID; scan the label',
  RFID_NOT_SELLABLE: 'Cannot be sold',
};

/** The item a refusal names for the cashier: the product and the tag's serial number, or the EPC. */
export function refusedItem(refusal: RfidRefusal): string {
  const tag = decodeSgtin96(refusal.epc);
  return refusal.name && tag.ok ? `${refusal.name} #${tag.serial}` : refusal.epc;
}

/**
 * [RK3] The notices of a batch of reads: the units added, and each kind of
 * refusal once with the items it names. A tag in the cart already (the
 * reader reads it again and again) is not told, nor one of the sale just
 * paid (its items are still on the counter).
 */
export function rfidNotices(
  added: readonly RfidAddition[],
  refused: readonly RfidRefusal[],
  justSold: ReadonlySet<string> = new Set(),
): Notice[] {
  const notices: Notice[] = [];
  const units = added.reduce((sum, a) => sum + a.epcs.length, 0);
  if (units > 0) {
    const names = added.map((a) => a.entry.product.name).join(', ');
    notices.push(
      info(`RFID: ${units} item${units === 1 ? '' : 's'} added (${names})`, 'RFID_ADDED', {
        units: String(units),
        names,
      }),
    );
  }
  const byCode = new Map<string, RfidRefusal[]>();
  for (const refusal of refused) {
    if (refusal.reason === 'in-cart' || justSold.has(refusal.epc)) continue;
    const code = REFUSAL_CODES[refusal.reason];
    byCode.set(code, [...(byCode.get(code) ?? []), refusal]);
  }
  for (const [code, list] of byCode) {
    const items = list.map(refusedItem).join('、');
    notices.push({
      tone: 'error',
      text: `${REFUSAL_WORDS[code]}: ${list.map(refusedItem).join(', ')}`,
      code,
      params: { items, epcs: list.map((r) => r.epc).join('、') },
    });
  }
  return notices;
}
