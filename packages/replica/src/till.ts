/**
 * What a till or tablet reads of its replica, as one object the app core is
 * given (`TillReplica`): product lookups (the one barcode and SKU path of
 * lookups.ts), search, stock, members, promotions and coupons, its own facts,
 * and the device's local documents. Everything works offline; the member and
 * points checks ask the sync server when it answers.
 */
import type {
  Coupon,
  FulfilmentFact,
  Shipment,
  IndexKey,
  MemberLookup,
  Order,
  OrderPaymentFact,
  OrderReturnFact,
  PickupFact,
  StoreOrder,
  Promotion,
  ReceiptStore,
  ReturnFact,
  SaleFact,
  Staff,
  StockLevel,
  StoreItemsDoc,
  Style,
  StyleVariant,
} from '@pos/domain';
import {
  decodeSgtin96,
  epcsSoldNotReturned,
  fromFact,
  heldUnitsId,
  shipmentDocId,
  stockLevelId,
  storeItemsDocId,
  storeOrderId,
  type FactBodyByKind,
  type HeldUnits,
} from '@pos/domain';
import { combineLatest } from 'rxjs';
import { requestConsentInvitation, type ConsentInvitationAnswer } from './consent-invitation';
import type { ReplicaDatabase } from './database';
import { findByBarcode, findBySku, type ProductLookup } from './lookups';
import { findMember, type MemberFound } from './members';
import { onlinePointsChecker, type PointsCheck } from './points-check';
import { searchProducts, startProductSearch, type ProductHit } from './product-search';
import type { SyncTarget } from './replication';
import { createStyleLookup } from './styles';
import { syncRequestHeaders } from './sync-headers';

/** What the sync server said of a sale this replica does not hold. */
export type SaleOnline =
  | { status: 'found'; sale: SaleFact }
  | { status: 'not-found' }
  | { status: 'other-store' }
  /** The server could not be asked or could not answer. */
  | { status: 'offline'; reason: string };

/** What the sync server said of an online order (a return at a store that does not hold it). */
export type OrderOnline =
  | { status: 'found'; order: Order }
  | { status: 'not-found' }
  /** The server does not let this device read the order. */
  | { status: 'refused' }
  | { status: 'offline'; reason: string };

/** [OF1] [OF4] [OF5] This device's own facts about one online order, oldest first. */
export type OrderFactsHere = {
  pickups: PickupFact[];
  payments: OrderPaymentFact[];
  returns: OrderReturnFact[];
};

/** How long a till waits for the server to find a sale for a return. */
export const SALE_LOOKUP_TIMEOUT_MS = 5_000;

/** [ATP3] A stock level with the units orders hold of it at this store. */
export type StockHere = StockLevel & { held: number };

function stockHere(
  level: { toJSON(): unknown } | null,
  held: { toJSON(): unknown } | null,
): StockHere | undefined {
  if (!level) return undefined;
  return {
    ...(level.toJSON() as StockLevel),
    held: (held?.toJSON() as HeldUnits | undefined)?.held ?? 0,
  };
}

export type TillReplica = {
  /** [B2] A scanned or typed barcode, with its price and a variable-measure label's measure. */
  byBarcode(code: string): Promise<ProductLookup>;
  bySku(sku: string): Promise<ProductLookup>;
  /** [SG1] An RFID tag's SGTIN-96 EPC (hex): the product of its GTIN, like a scan of it. */
  byEpc(epc: string): Promise<ProductLookup>;
  search(text: string): Promise<ProductHit[]>;
  /**
   * [IT4] The store's `items` documents (storeState kind `items`) of these
   * SKUs, as the server last sent them: each SKU's sellable and sold EPCs.
   * A SKU without one is left out.
   */
  storeItems(skus: readonly string[]): Promise<StoreItemsDoc[]>;
  /**
   * [RC2] The EPCs this device sold and has not taken back (its own sale and
   * return facts), with when each was sold.
   */
  epcsSoldHere(): Promise<Map<string, string>>;
  /** [VG1] A style by its id, from the `chain` collection's `style` documents; null when none. */
  style(styleId: string): Promise<Style | null>;
  /** [VG3] A SKU's style and variant; null when the SKU is no style's variant. */
  styleOfSku(sku: string): Promise<{ style: Style; variant: StyleVariant } | null>;
  /**
   * The store's stock level of a SKU as the server last sent it, with the
   * units orders hold of it ([ATP3], 0 when none); undefined when no level came.
   */
  stock(sku: string): Promise<StockHere | undefined>;
  /**
   * [ATP3] Calls `listener` with the store's stock level of a SKU now and
   * whenever the server sends a new one (a sale, a hold, a hand-over
   * anywhere in the chain); returns a function that stops it.
   */
  watchStock(sku: string, listener: (level: StockHere | undefined) => void): () => void;
  /**
   * A member by phone or member id: a phone hashed on the device under its
   * index key ([PI2]), then the replica first, then the sync server.
   */
  member(lookup: MemberLookup): Promise<MemberFound>;
  /**
   * [CS2] A one-time link to the consent page for a member, asked of the
   * sync server, for the member to answer on their own phone.
   */
  consentInvitation(memberId: string): Promise<ConsentInvitationAnswer>;
  /** Whether the member's balance covers these points now, asked of the sync server. */
  checkPoints(memberId: string, points: number, phoneIndex?: string): Promise<PointsCheck>;
  /** Promotions not retired. */
  promotions(): Promise<Promotion[]>;
  coupon(id: string): Promise<Coupon | undefined>;
  /** Coupons used by sales on this till (one-time use while the server has not seen them). */
  couponsUsedHere(): Promise<Set<string>>;
  store(): Promise<ReceiptStore>;
  staff(id: string): Promise<Staff | null>;
  sale(id: string): Promise<SaleFact | null>;
  /** A sale of this store the replica does not hold, asked of the sync server ([SA1]). */
  saleOnline(id: string): Promise<SaleOnline>;
  returnsOf(saleId: string): Promise<ReturnFact[]>;
  /** [OF2] This store's online orders as the server last sent them (`storeState` of kind `order`). */
  storeOrders(): Promise<StoreOrder[]>;
  /** [OF2] One online order of this store as the server last sent it; null when it sent none. */
  storeOrder(orderId: string): Promise<StoreOrder | null>;
  /** [OF1] [OF4] [OF5] This device's pickup, pay-at-till and return facts of an order. */
  orderFactsHere(orderId: string): Promise<OrderFactsHere>;
  /**
   * [FS1] This store's parcels as the server last sent them (`storeState` of
   * kind `shipment`), whatever their status.
   */
  storeShipments(): Promise<Shipment[]>;
  /** [FS1] One parcel of this store as the server last sent it; null when it sent none. */
  storeShipment(shipmentId: string): Promise<Shipment | null>;
  /**
   * [FS1] Calls `listener` now and whenever the server sends a changed parcel
   * of this store; returns a function that stops it.
   */
  watchShipments(listener: () => void): () => void;
  /** [FS6] This device's own fulfilment steps of a parcel, oldest first. */
  fulfilmentFactsHere(shipmentId: string): Promise<FulfilmentFact[]>;
  /** An online order asked of the sync server (`GET /_orders/{id}`), e.g. another store's. */
  orderOnline(orderId: string): Promise<OrderOnline>;
  /** This device's sales and returns since a time (a shift's). */
  factsSince(at: string): Promise<{
    sales: SaleFact[];
    returns: ReturnFact[];
    orderPayments: OrderPaymentFact[];
    orderReturns: OrderReturnFact[];
  }>;
  /** A local document of this device (never synced): read, with its first value. */
  readLocal<T extends object>(id: string, initial: T): Promise<T>;
  writeLocal<T extends object>(id: string, value: T): Promise<void>;
};

/** [DK2] This replica's facts of a kind matching `selector`, as documents of their kind. */
async function factsOf<
  K extends 'sale' | 'return' | 'pickup' | 'orderPayment' | 'orderReturn' | 'fulfilment',
>(db: ReplicaDatabase, kind: K, selector: Record<string, unknown>): Promise<FactBodyByKind[K][]> {
  const docs = await db.facts.find({ selector: { ...selector, kind } }).exec();
  return docs.map((d) => fromFact(d.toJSON())!.body as unknown as FactBodyByKind[K]);
}

export function createTillReplica(
  db: ReplicaDatabase,
  options: {
    storeId: string;
    deviceId: string;
    priceList: string;
    target: SyncTarget;
    /** Searches once the index is built; started here when not given. */
    search?: ReturnType<typeof startProductSearch>;
    /** [PI2] The chain's blind-index key from the device's provisioning; none: members by QR only. */
    indexKey?: IndexKey;
  },
): TillReplica {
  const { storeId, deviceId, priceList, target } = options;
  let index = options.search;
  const checkPoints = onlinePointsChecker(target);
  const styles = createStyleLookup(db);
  /** One read of the sync server's `path`, or why it could not be asked (offline, timed out). */
  const askServer = async (
    path: string,
  ): Promise<
    { status: 'answered'; response: Response } | { status: 'offline'; reason: string }
  > => {
    const fetcher = target.fetch ?? globalThis.fetch.bind(globalThis);
    try {
      const response = await fetcher(`${target.url.replace(/\/+$/, '')}/${path}`, {
        headers: syncRequestHeaders(target, db),
        signal: AbortSignal.timeout(SALE_LOOKUP_TIMEOUT_MS),
      });
      return { status: 'answered', response };
    } catch (error) {
      return { status: 'offline', reason: error instanceof Error ? error.message : String(error) };
    }
  };
  return {
    byBarcode: (code) => findByBarcode(db, code, priceList),
    bySku: (sku) => findBySku(db, sku, priceList),
    byEpc: async (epc) => {
      const tag = decodeSgtin96(epc);
      if (!tag.ok) return { found: false, reason: tag.message };
      return findByBarcode(db, tag.gtin, priceList);
    },
    storeItems: async (skus) => {
      if (skus.length === 0) return [];
      const docs = await db.storeState
        .findByIds([...new Set(skus)].map((sku) => storeItemsDocId(storeId, sku)))
        .exec();
      return [...docs.values()]
        .map((d) => d.toJSON() as unknown as StoreItemsDoc)
        .filter((d) => d.kind === 'items' && d.storeId === storeId);
    },
    epcsSoldHere: async () =>
      epcsSoldNotReturned(
        await factsOf(db, 'sale', { deviceId }),
        await factsOf(db, 'return', { deviceId }),
      ),
    search: async (text) => {
      if (!text.trim()) return [];
      index ??= startProductSearch(db);
      return searchProducts(db, index, text, priceList);
    },
    style: styles.style,
    styleOfSku: styles.styleOfSku,
    stock: async (sku) =>
      stockHere(
        await db.stock.findOne(stockLevelId(storeId, sku)).exec(),
        await db.storeState.findOne(heldUnitsId(storeId, sku)).exec(),
      ),
    watchStock: (sku, listener) => {
      const subscription = combineLatest([
        db.stock.findOne(stockLevelId(storeId, sku)).$,
        db.storeState.findOne(heldUnitsId(storeId, sku)).$,
      ]).subscribe(([level, held]) => listener(stockHere(level, held)));
      return () => subscription.unsubscribe();
    },
    member: (lookup) => findMember(db, target, lookup, options.indexKey),
    checkPoints,
    consentInvitation: (memberId) => requestConsentInvitation(target, memberId, db),
    promotions: async () =>
      (await db.promotions.find().exec())
        .map((d) => d.toJSON() as Promotion)
        .filter((p) => p.status !== 'retired'),
    coupon: async (id) => (await db.coupons.findOne(id).exec())?.toJSON() as Coupon | undefined,
    couponsUsedHere: async () =>
      new Set((await factsOf(db, 'sale', {})).flatMap((sale) => sale.coupons)),
    store: async () => {
      const doc = await db.stores.findOne(storeId).exec();
      if (!doc) return { name: storeId, address: '' };
      const store = doc.toJSON();
      return { name: store.name, address: store.address };
    },
    staff: async (id) => {
      const doc = await db.staff.findOne(id).exec();
      return doc ? (doc.toJSON() as Staff) : null;
    },
    sale: async (id) => {
      const [sale] = await factsOf(db, 'sale', { id });
      return sale ?? null;
    },
    saleOnline: async (id) => {
      const asked = await askServer(`_sales/${encodeURIComponent(id)}`);
      if (asked.status !== 'answered') return asked;
      const { response } = asked;
      if (response.status === 404) return { status: 'not-found' };
      if (response.status === 403) return { status: 'other-store' };
      const body = response.ok
        ? ((await response.json().catch(() => null)) as { sale?: SaleFact } | null)
        : null;
      if (body?.sale && body.sale.id === id) return { status: 'found', sale: body.sale };
      return { status: 'offline', reason: `the sync server answered ${response.status}` };
    },
    returnsOf: (saleId) => factsOf(db, 'return', { saleId }),
    storeOrders: async () =>
      (await db.storeState.find({ selector: { kind: 'order', storeId } }).exec()).map(
        (d) => d.toJSON() as unknown as StoreOrder,
      ),
    storeOrder: async (orderId) => {
      const doc = await db.storeState.findOne(storeOrderId(orderId, storeId)).exec();
      return doc ? (doc.toJSON() as unknown as StoreOrder) : null;
    },
    orderFactsHere: async (orderId) => {
      const byTime = <T extends { at: string }>(facts: T[]) =>
        facts.sort((a, b) => a.at.localeCompare(b.at));
      const mine = { orderId, deviceId };
      return {
        pickups: byTime(await factsOf(db, 'pickup', mine)),
        payments: byTime(await factsOf(db, 'orderPayment', mine)),
        returns: byTime(await factsOf(db, 'orderReturn', mine)),
      };
    },
    storeShipments: async () =>
      (await db.storeState.find({ selector: { kind: 'shipment', storeId } }).exec()).map(
        (d) => d.toJSON() as unknown as Shipment,
      ),
    storeShipment: async (shipmentId) => {
      const doc = await db.storeState.findOne(shipmentDocId(shipmentId)).exec();
      const shipment = doc ? (doc.toJSON() as unknown as Shipment) : null;
      return shipment?.kind === 'shipment' && shipment.storeId === storeId ? shipment : null;
    },
    watchShipments: (listener) => {
      const subscription = db.storeState
        .find({ selector: { kind: 'shipment', storeId } })
        .$.subscribe(() => listener());
      return () => subscription.unsubscribe();
    },
    fulfilmentFactsHere: async (shipmentId) =>
      (await factsOf(db, 'fulfilment', { shipmentId, deviceId })).sort(
        (a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id),
      ),
    orderOnline: async (orderId) => {
      const asked = await askServer(`_orders/${encodeURIComponent(orderId)}`);
      if (asked.status !== 'answered') return asked;
      const { response } = asked;
      if (response.status === 404) return { status: 'not-found' };
      if (response.status === 401 || response.status === 403) return { status: 'refused' };
      const body = response.ok
        ? ((await response.json().catch(() => null)) as { order?: Order } | null)
        : null;
      if (body?.order && body.order.id === orderId) return { status: 'found', order: body.order };
      return { status: 'offline', reason: `the sync server answered ${response.status}` };
    },
    factsSince: async (at) => ({
      sales: await factsOf(db, 'sale', { deviceId, soldAt: { $gte: at } }),
      returns: await factsOf(db, 'return', { deviceId, returnedAt: { $gte: at } }),
      // [SH1] Online orders paid, and refunded in cash, at this till.
      orderPayments: await factsOf(db, 'orderPayment', { deviceId, at: { $gte: at } }),
      orderReturns: await factsOf(db, 'orderReturn', { deviceId, at: { $gte: at } }),
    }),
    async readLocal<T extends object>(id: string, initial: T) {
      const doc = await db.getLocal<T>(id);
      if (doc) return doc.toJSON().data as T;
      try {
        await db.insertLocal<T>(id, initial);
      } catch (error) {
        // Two first reads at once: the other one inserted it.
        const again = await db.getLocal<T>(id);
        if (again) return again.toJSON().data as T;
        throw error;
      }
      return initial;
    },
    async writeLocal<T extends object>(id: string, value: T) {
      await db.upsertLocal<T>(id, value);
    },
  };
}
