/**
 * The fuzz harness: posts generated documents (valid and mutated) to every
 * collection a device pushes and every collection HQ writes, through HTTP
 * `_bulk_docs`, and checks what the server did against the domain's rules
 * and a model of the projections. Shared by the CI-sized integration test
 * and the full run (`npm run fuzz`). [RB1]-[RB4]
 */
import fc from 'fast-check';
import {
  fromFact,
  holdPolicy,
  validateDocument,
  type CollectionName,
  type Coupon,
  type Member,
  type Order,
  type PaymentNotification,
  type Shipment,
  type StockLevel,
} from '@pos/domain';
import { provisionAdminToken, provisionDevice } from '../auth';
import { DEMO_PRODUCTS, DEMO_STORES, seedDemo } from '../demo-data';
import { writePlainAddress, type ShipAddress } from '../orders/addresses';
import { placeOrder } from '../orders/holds';
import { ORDERS_DB } from '../orders/store-orders';
import { applyPaymentNotification, DEMO_PROVIDER_KEY } from '../payments/notify';
import { SimulatedPaymentProvider } from '../payments/provider';
import { createSyncServer } from '../server';
import type { SyncStorage } from '../storage/storage';
import {
  buildCase,
  caseArb,
  FUZZ_DEVICES,
  INHERITED_NAMES,
  type BuiltCase,
  type FuzzScale,
} from './generate';
import { FuzzModel } from './model';

export type FuzzTarget = {
  url: string;
  adminToken: string;
  /** [OS5] The orders the server holds before the run, for order facts to name. */
  orders: Order[];
  /** [SHS1] The parcels those orders made, for fulfilment steps to name. */
  shipments: Shipment[];
  close(): Promise<void>;
};

/** When the fuzz orders are placed and paid (the hold lasts a day, so none expires). */
const ORDERS_AT = '2026-06-01T00:00:00.000Z';

/**
 * [OS5] Six pickup orders, two lines each, at both demo stores: four paid
 * through the simulated provider, two left unpaid (a till may pay them).
 */
async function seedOrders(storage: SyncStorage): Promise<Order[]> {
  const provider = new SimulatedPaymentProvider({
    key: DEMO_PROVIDER_KEY,
    notifyUrl: 'http://127.0.0.1:9/_payments/notify',
    now: () => new Date(ORDERS_AT),
  });
  const orders: Order[] = [];
  for (let i = 0; i < 6; i++) {
    const storeId = DEMO_STORES[i % 2]!.id;
    const skus = [DEMO_PRODUCTS[i]!.id, DEMO_PRODUCTS[i + 6]!.id];
    const placed = await placeOrder(
      storage,
      {
        idempotencyKey: `fuzz-order-${i}`,
        channel: 'shop',
        customer: { memberId: 'M0001' },
        lines: skus.map((sku, l) => ({
          lineId: `L${l + 1}`,
          sku,
          quantity: 2 - l,
          unitPrice: 500,
          net: 500 * (2 - l),
          fulfilment: { mode: 'pickup' as const, storeId },
        })),
        total: 1500,
      },
      ORDERS_AT,
      holdPolicy({ holdMinutes: 24 * 60 }),
    );
    if (!placed.ok) throw new Error(`fuzz order ${i}: ${placed.message}`);
    let order = placed.order;
    if (i < 4) {
      const { providerTxnId } = await provider.createPayment(order);
      const notification = JSON.parse(
        provider.notificationFor(providerTxnId).body,
      ) as PaymentNotification;
      await applyPaymentNotification(storage, notification, ORDERS_AT);
      order = (await storage.getDocs(ORDERS_DB, [order.id], null)).get(order.id)!
        .body as unknown as Order;
    }
    orders.push(order);
  }
  return orders;
}

/** When the fuzz ship orders are placed and paid: 11:00 in Shanghai, the stores open. */
const SHIP_ORDERS_AT = '2026-06-01T03:00:00.000Z';

/** [SHS1] Two customers' addresses, one by each demo store. */
const FUZZ_ADDRESSES: ShipAddress[] = [
  { id: 'ADDR-FUZZ-1', point: { lat: 31.229, lng: 121.455 } },
  { id: 'ADDR-FUZZ-2', point: { lat: 31.188, lng: 121.436 } },
].map(({ id, point }) => ({
  id,
  customerKey: 'M0001',
  regionCode: '310104',
  point,
  shipTo: { name: '张*', phone: '138****5678', region: '上海市', detail: '某路 1 号' },
}));

/**
 * [SHS1] Two paid ship orders, one routed to each demo store (SKUs the
 * warehouse does not carry, addresses by the stores), so each store has a
 * parcel for its devices' fulfilment steps.
 */
async function seedShipOrders(storage: SyncStorage): Promise<Order[]> {
  const provider = new SimulatedPaymentProvider({
    key: DEMO_PROVIDER_KEY,
    notifyUrl: 'http://127.0.0.1:9/_payments/notify',
    now: () => new Date(SHIP_ORDERS_AT),
  });
  await storage.transaction(async (tx) => {
    for (const address of FUZZ_ADDRESSES) await writePlainAddress(tx, address);
  });
  const orders: Order[] = [];
  const plans = [
    { address: FUZZ_ADDRESSES[0]!, skus: ['SKU-0001', 'SKU-0004'] },
    { address: FUZZ_ADDRESSES[1]!, skus: ['SKU-0013', 'SKU-0004'] },
  ];
  for (const [i, { address, skus }] of plans.entries()) {
    const placed = await placeOrder(
      storage,
      {
        idempotencyKey: `fuzz-ship-order-${i}`,
        channel: 'shop',
        customer: { memberId: 'M0001' },
        lines: skus.map((sku, l) => ({
          lineId: `L${l + 1}`,
          sku,
          quantity: 2 - l,
          unitPrice: 500,
          net: 500 * (2 - l),
          fulfilment: { mode: 'ship' as const, addressId: address.id },
        })),
        total: 1500,
      },
      SHIP_ORDERS_AT,
      holdPolicy({ holdMinutes: 24 * 60 }),
    );
    if (!placed.ok) throw new Error(`fuzz ship order ${i}: ${placed.message}`);
    const { providerTxnId } = await provider.createPayment(placed.order);
    const notification = JSON.parse(
      provider.notificationFor(providerTxnId).body,
    ) as PaymentNotification;
    await applyPaymentNotification(storage, notification, SHIP_ORDERS_AT);
    orders.push(
      (await storage.getDocs(ORDERS_DB, [placed.order.id], null)).get(placed.order.id)!
        .body as unknown as Order,
    );
  }
  return orders;
}

/** A seeded server over `storage` with the fuzz devices, orders and an HQ token; no rate limit. */
export async function startFuzzServer(storage: SyncStorage): Promise<FuzzTarget> {
  await seedDemo(storage);
  for (const d of FUZZ_DEVICES) await provisionDevice(storage, d.token, d);
  const { token } = await provisionAdminToken(storage, 'fuzz-hq');
  const orders = [...(await seedOrders(storage)), ...(await seedShipOrders(storage))];
  const shipments = (await storage.findDocs('storeState', { fields: { kind: 'shipment' } })).map(
    (row) => row.body as unknown as Shipment,
  );
  // No sweeper: the orders' deadlines are the model's, not the wall clock's.
  const server = createSyncServer({ storage, rateLimit: false, log: () => {}, holdSweeper: false });
  const url = await server.listen(0, '127.0.0.1');
  return {
    url,
    adminToken: token,
    orders,
    shipments,
    async close() {
      await server.close();
      await storage.close();
    },
  };
}

type Tally = { accepted: number; refused: number };
export type FuzzReport = {
  seed: number;
  requests: number;
  documents: number;
  accepted: number;
  refused: number;
  byCollection: Record<string, Tally>;
  byMutation: Record<string, Tally>;
  statuses: Record<number, number>;
  /** Answers with status 500 or above: must be none ([RB1]). */
  serverErrors: string[];
  /** `/healthz` answers that were not 200 ([RB2]). */
  unhealthy: string[];
  /** Accepted documents the domain's rules refuse, or the model says must not be accepted ([RB3]). */
  invalidAccepted: string[];
  /** Differences between the server's projections and the model ([RB4]). */
  projectionDiffs: string[];
  durationMs: number;
};

function tally(map: Record<string, Tally>, key: string, ok: boolean): void {
  const t = (map[key] ??= { accepted: 0, refused: 0 });
  if (ok) t.accepted += 1;
  else t.refused += 1;
}

/** The key path of every own property named like a prototype member, anywhere in `value`. */
function inheritedKeys(value: unknown, path = '$'): string[] {
  if (!value || typeof value !== 'object') return [];
  const out: string[] = [];
  for (const [key, child] of Object.entries(value)) {
    if ((INHERITED_NAMES as readonly string[]).includes(key)) out.push(`${path}.${key}`);
    out.push(...inheritedKeys(child, `${path}.${key}`));
  }
  return out;
}

const brief = (text: string) =>
  text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text;

/** Reads every document of `db` with the HQ token through `_changes`. */
export async function readAll<T>(url: string, token: string, db: string): Promise<T[]> {
  const out: T[] = [];
  let since: string | number = 0;
  for (;;) {
    const res = await fetch(`${url}/${db}/_changes?include_docs=true&since=${since}&limit=5000`, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (res.status !== 200) throw new Error(`reading ${db}: ${res.status} ${await res.text()}`);
    const page = (await res.json()) as { results: { doc: T }[]; last_seq: string | number };
    for (const row of page.results) out.push(row.doc);
    if (page.results.length < 5000) return out;
    since = page.last_seq;
  }
}

/** What the server's projections are now, by the HQ token. */
export async function readProjections(url: string, token: string) {
  const [stock, members, coupons, storeState] = await Promise.all([
    readAll<StockLevel & { _id: string }>(url, token, 'stock'),
    readAll<Member & { _id: string }>(url, token, 'members'),
    readAll<Coupon & { _id: string }>(url, token, 'coupons'),
    readAll<{ _id: string; kind?: string; storeId: string; sku: string; held: number }>(
      url,
      token,
      'storeState',
    ),
  ]);
  const withId = <T extends { _id: string }>(d: T) => ({ ...d, id: d._id });
  // [ATP3] The units orders hold, by stock level id.
  const held = new Map(
    storeState.filter((d) => d.kind === 'held').map((d) => [`${d.storeId}:${d.sku}`, d.held]),
  );
  return {
    stock: stock.map(withId),
    members: members.map(withId),
    coupons: coupons.map(withId),
    held,
  };
}

/** Posts one built case and checks every answer row; feeds accepted documents to the model. */
async function postCase(
  target: FuzzTarget,
  built: BuiltCase,
  model: FuzzModel,
  report: FuzzReport,
): Promise<void> {
  const res = await fetch(`${target.url}/${built.collection}/_bulk_docs`, {
    method: 'POST',
    headers: { authorization: `Bearer ${built.token}`, 'content-type': 'application/json' },
    body: built.text,
  });
  const answer = await res.text();
  report.requests += 1;
  report.documents += built.docs.length;
  report.statuses[res.status] = (report.statuses[res.status] ?? 0) + 1;
  const who = built.device?.deviceId ?? 'HQ';
  const label = `${who} ${built.collection} [${built.docs.map((d) => d.mutation).join(', ')}]`;
  if (res.status >= 500) {
    report.serverErrors.push(`${res.status} ${label}: ${brief(answer)} for ${brief(built.text)}`);
  }
  const rows: unknown = res.status === 201 ? JSON.parse(answer) : null;
  const sent = (JSON.parse(built.text) as { docs: Record<string, unknown>[] }).docs;
  built.docs.forEach((d, i) => {
    const row = Array.isArray(rows) ? (rows[i] as { ok?: boolean } | undefined) : undefined;
    const ok = row?.ok === true;
    tally(report.byCollection, `${who === 'HQ' ? 'HQ' : 'device'} ${built.collection}`, ok);
    tally(report.byMutation, d.mutation, ok);
    const factKind = built.collection === 'facts' ? sent[i]?.kind : undefined;
    if (
      typeof factKind === 'string' &&
      ['pickup', 'orderPayment', 'orderReturn', 'fulfilment', 'tryOn'].includes(factKind)
    ) {
      tally(report.byCollection, `device facts (${factKind})`, ok);
    }
    if (ok) report.accepted += 1;
    else report.refused += 1;
    if (!ok) return;
    const { _id, _rev, _deleted, ...rest } = sent[i]!;
    void _rev;
    void _deleted;
    const doc = { id: _id, ...rest };
    const problems = validateDocument(built.collection, doc);
    const inherited = inheritedKeys(doc);
    const principal = built.device
      ? { kind: 'device' as const, ...built.device }
      : { kind: 'admin' as const };
    // [DK5] A fact pushed as `facts` is the fact of its kind.
    const asKind = built.collection === 'facts' ? fromFact(doc) : null;
    const refusal = asKind
      ? asKind.kind === 'tryOn'
        ? model.applyTryOnFact(principal, asKind.body)
        : asKind.collection === null
          ? model.applyOrderFact(asKind.kind, principal, asKind.body)
          : model.apply(asKind.collection, principal, asKind.body)
      : built.collection === 'facts'
        ? `accepted a fact of no known kind`
        : model.apply(built.collection, principal, doc);
    const why = [
      ...problems.map((p) => `${p.path} ${p.message}`),
      ...inherited.map((k) => `${k} is named like a prototype member`),
      ...(refusal ? [refusal] : []),
    ];
    if (why.length) {
      report.invalidAccepted.push(
        `${label} #${i} accepted: ${why.slice(0, 3).join('; ')}: ${brief(JSON.stringify(doc))}`,
      );
    }
  });
}

async function checkHealth(target: FuzzTarget, report: FuzzReport, after: number): Promise<void> {
  try {
    const res = await fetch(`${target.url}/healthz`);
    if (res.status !== 200)
      report.unhealthy.push(`after ${after} requests: ${res.status} ${await res.text()}`);
  } catch (error) {
    report.unhealthy.push(`after ${after} requests: ${(error as Error).message}`);
  }
}

export type FuzzOptions = {
  /** Requests to post (each a `_bulk_docs` of 1-6 documents). */
  runs: number;
  seed?: number;
  scale?: FuzzScale;
  /** Called every `every` requests. */
  progress?: { every: number; report(r: FuzzReport): void };
};

/**
 * Runs the fuzz against `target`: `runs` requests drawn by fast-check, the
 * health checked every 100 requests, and at the end the projections compared
 * with the model.
 */
export async function runFuzz(target: FuzzTarget, options: FuzzOptions): Promise<FuzzReport> {
  const seed = options.seed ?? Date.now() % 2 ** 31;
  const report: FuzzReport = {
    seed,
    requests: 0,
    documents: 0,
    accepted: 0,
    refused: 0,
    byCollection: {},
    byMutation: {},
    statuses: {},
    serverErrors: [],
    unhealthy: [],
    invalidAccepted: [],
    projectionDiffs: [],
    durationMs: 0,
  };
  const model = new FuzzModel(
    FUZZ_DEVICES.map((d) => d.deviceId),
    target.orders,
    target.shipments,
  );
  const started = performance.now();
  let n = 0;
  await fc.assert(
    fc.asyncProperty(caseArb(options.scale ?? { hugeStrings: false }), async (recipe) => {
      const built = buildCase(recipe, model, n, target.adminToken);
      n += recipe.docs.length;
      await postCase(target, built, model, report);
      if (report.requests % 100 === 0) await checkHealth(target, report, report.requests);
      if (options.progress && report.requests % options.progress.every === 0)
        options.progress.report(report);
    }),
    // The server keeps state between runs, so a failing run is not shrunk: it is reported.
    { numRuns: options.runs, seed, endOnFailure: true },
  );
  await checkHealth(target, report, report.requests);
  report.projectionDiffs = model.compare(await readProjections(target.url, target.adminToken));
  report.durationMs = performance.now() - started;
  return report;
}

/** One line per figure, for the console and docs/robustness.md. */
export function formatReport(name: string, r: FuzzReport): string {
  const lines = [
    `${name}: ${r.requests} requests, ${r.documents} documents (${r.accepted} accepted, ${r.refused} refused) in ${(r.durationMs / 1000).toFixed(1)} s, seed ${r.seed}`,
    `  statuses: ${JSON.stringify(r.statuses)}`,
    `  by collection: ${Object.entries(r.byCollection)
      .map(([k, t]) => `${k} ${t.accepted}/${t.accepted + t.refused}`)
      .join(', ')}`,
    `  by mutation (accepted/sent): ${Object.entries(r.byMutation)
      .map(([k, t]) => `${k} ${t.accepted}/${t.accepted + t.refused}`)
      .join(', ')}`,
    `  5xx: ${r.serverErrors.length}, unhealthy: ${r.unhealthy.length}, invalid accepted: ${r.invalidAccepted.length}, projection differences: ${r.projectionDiffs.length}`,
  ];
  return lines.join('\n');
}

export type { CollectionName };
