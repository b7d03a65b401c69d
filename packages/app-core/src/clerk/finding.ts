/**
 * Finding a product and its stock on the clerk's tablet: a scan (barcode,
 * GTIN, an RFID tag's EPC), a typed SKU or a search finds products with their
 * style and variant ([CL3]); a style's grid here comes from the replica
 * ([CL4], [VG2]); other stores' figures from the server, or the last answer
 * marked stale ([CL4], [VG4], [VG5]).
 */
import {
  looksLikeEpc96,
  styleGrid,
  type ChainStockAnswer,
  type Price,
  type Product,
  type Style,
  type StyleGrid,
} from '@pos/domain';
import type { ProductLookup } from '@pos/replica';
import { stockOf } from '../lookups';
import { done, refuse, type Outcome } from '../outcome';
import { liveOrLast } from './answers';
import type { ChainStockView, ClerkFound, ClerkPorts } from './types';

/** [CL2] Where the last chain stock answer of a style is kept. */
export const chainStockKey = (styleId: string, sku?: string): string =>
  sku === undefined ? `chain-stock:${styleId}` : `chain-stock:${styleId}:${sku}`;

export function createFinding(ports: ClerkPorts) {
  const { replica } = ports;

  /** [CL3] A product with its price here, its style and its variant. */
  async function foundOf(product: Product, price: Price | undefined): Promise<ClerkFound> {
    const styled = await replica.styleOfSku(product.id);
    return {
      product,
      unitPrice: price && price.currency === ports.config.currency ? price.amount : null,
      style: styled?.style ?? null,
      variant: styled ? { colour: styled.variant.colour, size: styled.variant.size } : null,
    };
  }

  const one = async (lookup: ProductLookup): Promise<ClerkFound | null> =>
    lookup.found ? foundOf(lookup.product, lookup.price) : null;

  /** [CL3] A scan or typed text: an EPC, a barcode, a SKU, else a search by name or pinyin. */
  async function find(input: string): Promise<Outcome<ClerkFound[]>> {
    const text = typeof input === 'string' ? input.trim() : '';
    if (!text) return refuse('SEARCH_EMPTY', 'Scan a product or type what to look for');
    if (looksLikeEpc96(text)) {
      const lookup = await replica.byEpc(text);
      const found = await one(lookup);
      if (found) return done([found]);
      const reason = lookup.found ? `${text} names no product here` : lookup.reason;
      return refuse('PRODUCT_UNKNOWN', reason, { params: { code: text } });
    }
    const scanned =
      (await one(await replica.byBarcode(text))) ?? (await one(await replica.bySku(text)));
    if (scanned) return done([scanned]);
    const hits = await replica.search(text);
    if (hits.length === 0) {
      return refuse('PRODUCT_UNKNOWN', `Nothing in the catalog matches "${text}"`, {
        params: { code: text },
      });
    }
    return done(await Promise.all(hits.map((hit) => foundOf(hit.product, hit.price))));
  }

  /** [CL3] One SKU with its style. */
  async function product(sku: string): Promise<Outcome<ClerkFound>> {
    const lookup = await replica.bySku(sku);
    const found = await one(lookup);
    if (found) return done(found);
    const reason = lookup.found ? `${sku} is no product here` : lookup.reason;
    return refuse('PRODUCT_UNKNOWN', reason, { params: { code: sku } });
  }

  /** [CL4] [VG2] The style's ATP here by colour and size, from the replica; unknown stays unknown. */
  async function stockHere(style: Style): Promise<StyleGrid> {
    const atp = new Map<string, number>();
    await Promise.all(
      style.variants.map(async (v) => {
        const info = await stockOf(replica, v.sku);
        if (info.known) atp.set(v.sku, info.atp);
      }),
    );
    return styleGrid(style, (sku) => atp.get(sku));
  }

  /**
   * [CL4] [VG4] [VG5] Other stores nearest first: asked live when online and
   * kept; else the last answer kept, stale, with why; else not known.
   */
  async function chainStock(style: Style, sku?: string): Promise<ChainStockView> {
    const got = await liveOrLast(
      ports.local,
      chainStockKey(style.styleId, sku),
      ports.online(),
      () => ports.server.chainStock(style.styleId, sku === undefined ? {} : { sku }),
    );
    if (got.state !== 'none') {
      return {
        state: got.state,
        asOf: got.value.asOf,
        stores: got.value.stores,
        ...(got.reason ? { reason: got.reason } : {}),
      };
    }
    if (sku !== undefined) {
      // The style's last answer, kept to the stores that had the SKU.
      const whole = await ports.local.get<ChainStockAnswer>(chainStockKey(style.styleId));
      if (whole) {
        return {
          state: 'stale',
          asOf: whole.asOf,
          stores: whole.stores.filter((s) => (s.atp[sku] ?? 0) > 0),
          reason: got.reason,
        };
      }
    }
    return { state: 'none', reason: got.reason };
  }

  return { find, product, stockHere, chainStock };
}
