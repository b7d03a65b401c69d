/**
 * RFID checkout: the tags the counter reader reads become cart lines, one
 * unit per EPC, each EPC at most once in the cart; an EPC that is not a
 * trade item's, names no product, is weighed, is in the cart already, or is
 * sold (at the store, or by this till and not returned) is refused with the
 * reason. Pure: the catalog, the store's `items` documents and the till's
 * own sales come in as arguments. See SPEC.md [RC1]-[RC6].
 */
import { addItem, type CheckoutCart, type CheckoutLine } from './checkout';
import type { Price, Product } from './documents';
import { DomainError } from './errors';
import type { StoreItemsDoc } from './item-stock';
import type { ReturnFact } from './returns';
import type { SaleFact } from './sale-fact';
import { decodeSgtin96 } from './sgtin';

/** One tag read as the counter reader reported it (the hub's TagRead has more). */
export type CounterTagRead = { epc: string; source?: string; antenna?: number };

/** [RC2] Why an EPC read at the counter does not become a unit in the cart. */
export type RfidRefusalReason =
  /** Not an SGTIN-96 EPC: not a trade item's tag. */
  | 'not-sgtin'
  /** Its GTIN names no product in the till's catalog. */
  | 'unknown-product'
  /** [RC4] Weighed or variable-measure: such products are weighed at the counter instead. */
  | 'weighed'
  /** The product cannot be sold (discontinued, no price). */
  | 'not-sellable'
  /** In this cart already (the reader reads a tag again and again). */
  | 'in-cart'
  /** [IT4] The store's `items` document lists it sold. */
  | 'sold-at-store'
  /** Sold by this till and not returned (the server may not have said so yet). */
  | 'sold-here';

export type RfidRefusal = {
  epc: string;
  reason: RfidRefusalReason;
  /** English words for the cashier. */
  message: string;
  gtin?: string;
  sku?: string;
  name?: string;
};

/** A product of the catalog found by GTIN, with its price; `measure` when it is weighed or priced by label. */
export type RfidCatalogEntry = { product: Product; price: Price | undefined; measure?: boolean };

/** What the till knows when tags are read at the counter. */
export type TagReadContext = {
  /** The catalog by GTIN-14; a GTIN not in it names no product. */
  productsByGtin: ReadonlyMap<string, RfidCatalogEntry>;
  /** [IT4] The store's `items` documents of the SKUs read, by SKU (absent: nothing known sold). */
  storeItemsBySku: ReadonlyMap<string, Pick<StoreItemsDoc, 'sold' | 'sellable' | 'updatedAt'>>;
  /**
   * This till's EPCs sold and not returned here, with when they were sold
   * ([RC2]); one the store's `items` document lists sellable since (returned
   * at another till) may be sold again.
   */
  soldHere: ReadonlyMap<string, string>;
};

/** [RC1] The units to add of one SKU: its EPCs, in the order first read. */
export type RfidAddition = { sku: string; gtin: string; entry: RfidCatalogEntry; epcs: string[] };

export type TagReadPlan = { additions: RfidAddition[]; refusals: RfidRefusal[] };

/** [RC1] Every EPC held by the cart's lines. */
export function epcsInCart(cart: Pick<CheckoutCart, 'lines'>): Set<string> {
  return new Set(cart.lines.flatMap((l) => l.epcs ?? []));
}

/** [RC4] Whether a GTIN is a variable-measure one: indicator 9, or an in-store number (prefix 20-29 / 02). */
export function isVariableMeasureGtin(gtin: string): boolean {
  return /^(9|02|002)/.test(gtin);
}

/** The GTINs the reads name (SGTIN-96 only), for the caller to look up. */
export function gtinsOfReads(reads: readonly CounterTagRead[]): string[] {
  const gtins = new Set<string>();
  for (const read of reads) {
    const tag = decodeSgtin96(read.epc);
    if (tag.ok) gtins.add(tag.gtin);
  }
  return [...gtins];
}

/**
 * [RC1] [RC2] [RC4] Plans what tag reads do to a cart: per SKU the EPCs to
 * add (each once, whatever the repeats, antennas and readers), and each EPC
 * refused once with its reason. The EPCs already in `cart` are not added
 * again. Never throws.
 */
export function planTagReads(
  cart: Pick<CheckoutCart, 'lines'>,
  reads: readonly CounterTagRead[],
  context: TagReadContext,
): TagReadPlan {
  const inCart = epcsInCart(cart);
  const seen = new Set<string>();
  const additions = new Map<string, RfidAddition>();
  const refusals: RfidRefusal[] = [];
  for (const read of reads) {
    const raw = typeof read?.epc === 'string' ? read.epc.trim().toUpperCase() : '';
    if (seen.has(raw)) continue;
    seen.add(raw);
    const tag = decodeSgtin96(raw);
    if (!tag.ok) {
      refusals.push({
        epc: raw,
        reason: 'not-sgtin',
        message: `tag ${raw || '(empty)'} is not a trade item's (${tag.message})`,
      });
      continue;
    }
    const { epc, gtin } = tag;
    const refuse = (reason: RfidRefusalReason, message: string, entry?: RfidCatalogEntry) =>
      refusals.push({
        epc,
        reason,
        message,
        gtin,
        ...(entry ? { sku: entry.product.id, name: entry.product.name } : {}),
      });
    const entry = context.productsByGtin.get(gtin);
    if (!entry) {
      refuse('unknown-product', `tag ${epc}: no product with GTIN ${gtin}`);
      continue;
    }
    const { product } = entry;
    const items = context.storeItemsBySku.get(product.id);
    const soldHere = context.soldHere.get(epc);
    if (entry.measure || isVariableMeasureGtin(gtin)) {
      refuse('weighed', `${product.name} is weighed or priced by label: scan its label`, entry);
    } else if (inCart.has(epc)) {
      refuse('in-cart', `${product.name} (tag ${epc}) is in the cart already`, entry);
    } else if (items?.sold.includes(epc)) {
      refuse('sold-at-store', `${product.name} (tag ${epc}) is already sold`, entry);
    } else if (
      soldHere !== undefined &&
      !(items?.sellable.includes(epc) && items.updatedAt > soldHere)
    ) {
      refuse('sold-here', `${product.name} (tag ${epc}) was already sold at this till`, entry);
    } else {
      const addition = additions.get(product.id) ?? { sku: product.id, gtin, entry, epcs: [] };
      addition.epcs.push(epc);
      additions.set(product.id, addition);
    }
  }
  return { additions: [...additions.values()], refusals };
}

/**
 * [RC1] Adds the planned units to the cart: one unit per EPC, joined to the
 * SKU's RFID line when the cart has one (never an overridden one, never a
 * scanned line). A product that cannot be sold (discontinued, no price) is
 * refused by the domain's words and adds nothing; the rest are added.
 */
export function addTaggedItems(
  cart: CheckoutCart,
  plan: TagReadPlan,
  newLineId: () => string,
): { cart: CheckoutCart; added: RfidAddition[]; refusals: RfidRefusal[] } {
  let next = cart;
  const added: RfidAddition[] = [];
  const refusals = [...plan.refusals];
  const inCart = epcsInCart(cart);
  for (const addition of plan.additions) {
    const epcs = addition.epcs.filter((e) => !inCart.has(e));
    if (epcs.length === 0) continue;
    const i = next.lines.findIndex((l) => l.sku === addition.sku && l.epcs && !l.override);
    if (i >= 0) {
      const line = next.lines[i]!;
      const joined: CheckoutLine = {
        ...line,
        epcs: [...line.epcs!, ...epcs],
        quantity: line.epcs!.length + epcs.length,
      };
      next = { ...next, lines: next.lines.map((l, k) => (k === i ? joined : l)) };
    } else {
      let line: CheckoutLine | undefined;
      try {
        // The domain's checks (sellable, priced) on a cart of this line alone.
        line = addItem(
          { ...next, lines: [] },
          {
            lineId: newLineId(),
            product: addition.entry.product,
            price: addition.entry.price,
            quantity: epcs.length,
          },
        ).lines[0];
      } catch (error) {
        const message = error instanceof DomainError ? error.message : String(error);
        for (const epc of epcs) {
          refusals.push({
            epc,
            reason: 'not-sellable',
            message,
            gtin: addition.gtin,
            sku: addition.sku,
            name: addition.entry.product.name,
          });
        }
        continue;
      }
      if (!line) continue;
      if (next.lines.some((l) => l.lineId === line.lineId)) {
        throw new DomainError('LINE_ID_TAKEN', `line id ${line.lineId} is taken`);
      }
      next = { ...next, lines: [...next.lines, { ...line, epcs }] };
    }
    for (const epc of epcs) inCart.add(epc);
    added.push({ ...addition, epcs });
  }
  return { cart: next, added, refusals };
}

/**
 * [RC2] The EPCs sold by this device's sales and not returned by the
 * returns it holds: the till refuses them before the server's `items`
 * documents say so.
 */
export function epcsSoldNotReturned(
  sales: readonly Pick<SaleFact, 'lines' | 'soldAt'>[],
  returns: readonly Pick<ReturnFact, 'lines' | 'returnedAt'>[],
): Map<string, string> {
  // In time order, so an EPC sold, returned and sold again is sold.
  const events = [
    ...sales.map((s) => ({ at: s.soldAt, sold: true, lines: s.lines })),
    ...returns.map((r) => ({ at: r.returnedAt, sold: false, lines: r.lines })),
  ].sort((a, b) => a.at.localeCompare(b.at) || Number(b.sold) - Number(a.sold));
  const sold = new Map<string, string>();
  for (const event of events) {
    for (const line of event.lines) {
      for (const epc of line.epcs ?? []) {
        if (event.sold) sold.set(epc, event.at);
        else sold.delete(epc);
      }
    }
  }
  return sold;
}
