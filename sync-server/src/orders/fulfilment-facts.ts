/**
 * Shipments at the server: the steps a location's devices push about its
 * parcels (pick, short, pack, label, hand-over), applied once, in the push
 * transaction. A step the parcel cannot take is stored and raised for HQ,
 * never lost and never crashing the push. A short pick reroutes only the
 * missing units; a hand-over ships the picked units and takes them off the
 * location's stock. See SPEC.md [SHS1]-[SHS6], domain [FS1]-[FS8], [RO9].
 */
import {
  applyFulfilmentStep,
  applyOrderEvent,
  cancelRefund,
  DEFAULT_ROUTING_POLICY,
  isDeliveryLine,
  routeOrder,
  shipmentDocId,
  stockLevelId,
  type FulfilmentFact,
  type LedgerMovement,
  type Order,
  type OrderEvent,
  type RoutableMode,
  type RoutingDecision,
  type RoutingPolicy,
  type RoutingRequest,
  type Shipment,
} from '@pos/domain';
import { applyStockMovements, recordException, type FactContext } from '../ledgers';
import type { JsonObject } from '../protocol';
import type { DocRow, WriteTransaction } from '../storage/storage';
import { plainAddressBook, type ShipAddress } from './addresses';
import { localDay, routingCandidates } from './locations';
import { recordRefund } from './refunds';
import { ROUTING_INPUTS_DB, writeRoutingInput } from './routing';
import { makeShipments, type ShippingOptions } from './shipments';
import { moveHeld, ORDERS_DB, putOrder } from './store-orders';

/** What applying fulfilment steps needs of the chain: a reroute routes and makes parcels. */
export type FulfilmentOptions = ShippingOptions;

type Ctx = FactContext & { options: FulfilmentOptions };

type Changed = Map<string, { order: Order; rev: string }>;

/** Units of a SKU at a location, keyed by stock level id, as `moveHeld` takes them. */
type UnitsByLevel = Map<string, { storeId: string; sku: string; units: number }>;

function addUnits(map: UnitsByLevel, storeId: string, sku: string, units: number): void {
  const id = stockLevelId(storeId, sku);
  const entry = map.get(id) ?? { storeId, sku, units: 0 };
  entry.units += units;
  map.set(id, entry);
}

/** [SHS2] A step the parcel or its orders cannot take: recorded for HQ, nothing applied. */
function refused(ctx: Ctx, fact: FulfilmentFact, code: string, reason: string, extra = {}) {
  return recordException(ctx, 'fulfilment-not-applicable', {
    shipmentId: fact.shipmentId,
    step: fact.step,
    code,
    reason,
    deviceId: fact.deviceId,
    ...(fact.lines ? { lines: fact.lines as unknown as JsonObject[] } : {}),
    ...extra,
  });
}

async function readOrders(tx: WriteTransaction, ids: readonly string[]): Promise<Changed> {
  const rows = await tx.getDocs(ORDERS_DB, [...new Set(ids)]);
  const out: Changed = new Map();
  for (const [id, row] of rows) out.set(id, { order: row.body as unknown as Order, rev: row.rev });
  return out;
}

async function putShipment(
  tx: WriteTransaction,
  shipment: Shipment,
  expectedRev: string | null,
): Promise<void> {
  const written = await tx.put({
    db: 'storeState',
    id: shipment.id,
    body: shipment as unknown as JsonObject,
    storeId: shipment.storeId,
    expectedRev,
  });
  if (!written.ok) throw new Error(`${shipment.id} changed underneath: ${written.reason}`);
}

/**
 * [SHS1]-[SHS6] Applies a location's step on one of its parcels, in the push
 * transaction: the parcel as the domain folds it ([FS2]-[FS6]), and for a
 * short pick the reroute of the missing units, for a hand-over the orders
 * shipped and the stock taken off. Refused steps are exceptions.
 */
export async function applyFulfilmentFact(ctx: Ctx, fact: FulfilmentFact): Promise<void> {
  const docId = shipmentDocId(fact.shipmentId);
  const row = (await ctx.tx.getDocs('storeState', [docId])).get(docId);
  const shipment = row?.body as Shipment | undefined;
  if (!row || shipment?.kind !== 'shipment') {
    return refused(ctx, fact, 'SHIPMENT_UNKNOWN', `shipment ${fact.shipmentId} is unknown`);
  }
  const stepped = applyFulfilmentStep(shipment, fact);
  if (!stepped.ok) {
    return refused(ctx, fact, stepped.code, stepped.message, { status: shipment.status });
  }
  // [FS6] A step applied already changes nothing.
  if (stepped.shipment === shipment) return;
  const next: Shipment = { ...stepped.shipment, updatedAt: ctx.receivedAt };
  if (fact.step === 'short') return applyShort(ctx, fact, next, row);
  if (fact.step === 'handover') return applyHandover(ctx, fact, next, row);
  await putShipment(ctx.tx, next, row.rev);
}

/**
 * [SHS3] A hand-over: every order in the parcel ships its picked units
 * (order event `shipped`), on hand drops at the location through the ledger
 * (a `sale` movement per line, id `<fact>:<order>:<line>`) and held by the
 * same units; the device's copy of the parcel loses the recipient ([FS8]).
 * An order that cannot ship them refuses the whole step.
 */
async function applyHandover(
  ctx: Ctx,
  fact: FulfilmentFact,
  shipment: Shipment,
  row: DocRow,
): Promise<void> {
  const picked = shipment.lines.filter((l) => l.picked > 0);
  const orders = await readOrders(
    ctx.tx,
    picked.map((l) => l.orderId),
  );
  for (const orderId of new Set(picked.map((l) => l.orderId))) {
    const found = orders.get(orderId);
    if (!found) return refused(ctx, fact, 'ORDER_UNKNOWN', `order ${orderId} is unknown`);
    const shipped = applyOrderEvent(found.order, {
      kind: 'shipped',
      id: `${fact.id}:shipped`,
      at: fact.at,
      shipmentId: shipment.shipmentId,
      lines: picked
        .filter((l) => l.orderId === orderId)
        .map((l) => ({ lineId: l.lineId, quantity: l.picked })),
    });
    if (!shipped.ok) {
      return refused(ctx, fact, shipped.code, shipped.message, {
        orderId,
        status: found.order.status,
      });
    }
    found.order = shipped.order;
  }
  const { shipTo: _dropped, ...handedOver } = shipment;
  await putShipment(ctx.tx, handedOver, row.rev);
  for (const { order, rev } of orders.values()) {
    await putOrder(ctx.tx, order, rev, ctx.receivedAt);
  }
  const movements: LedgerMovement[] = picked.map((l) => ({
    id: `${fact.id}:${l.orderId}:${l.lineId}`,
    location: shipment.storeId,
    sku: l.sku,
    kind: 'sale',
    quantity: l.picked,
    at: fact.at,
    factId: fact.id,
  }));
  await applyStockMovements(ctx.tx, movements);
  const held: UnitsByLevel = new Map();
  for (const l of picked) addUnits(held, shipment.storeId, l.sku, l.picked);
  await moveHeld(ctx.tx, held, -1, undefined, ctx.receivedAt);
}

/**
 * [SHS4] A short pick: the units are no longer routed to the location (order
 * event `line-short`) and no longer held there; only they are routed again
 * ([RO9]: never to a location that picked the SKU short), held at the new
 * location and put in a parcel there ([SHS5]). Units no location can take
 * are refunded (their share of the line's net) and raised as
 * `reroute-failed`.
 */
async function applyShort(
  ctx: Ctx,
  fact: FulfilmentFact,
  shipment: Shipment,
  row: DocRow,
): Promise<void> {
  const counts = fact.lines!;
  const orders = await readOrders(
    ctx.tx,
    counts.map((c) => c.orderId),
  );
  const missing = new Map<string, { lineId: string; quantity: number }[]>();
  for (const c of counts) {
    const found = orders.get(c.orderId);
    if (!found) return refused(ctx, fact, 'ORDER_UNKNOWN', `order ${c.orderId} is unknown`);
    const short = applyOrderEvent(found.order, {
      kind: 'line-short',
      id: `${fact.id}:short:${c.lineId}`,
      at: fact.at,
      lineId: c.lineId,
      shipmentId: shipment.shipmentId,
      quantity: c.quantity,
    });
    if (!short.ok) {
      return refused(ctx, fact, short.code, short.message, {
        orderId: c.orderId,
        status: found.order.status,
      });
    }
    found.order = short.order;
    missing.set(c.orderId, [
      ...(missing.get(c.orderId) ?? []),
      { lineId: c.lineId, quantity: c.quantity },
    ]);
  }
  await putShipment(ctx.tx, shipment, row.rev);
  const released: UnitsByLevel = new Map();
  for (const c of counts) {
    const line = shipment.lines.find((l) => l.orderId === c.orderId && l.lineId === c.lineId)!;
    addUnits(released, shipment.storeId, line.sku, c.quantity);
  }
  await moveHeld(ctx.tx, released, -1, undefined, ctx.receivedAt);
  const single = missing.size === 1;
  for (const [orderId, lines] of [...missing].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const found = orders.get(orderId)!;
    found.order = await reroute(ctx, fact, found.order, lines, single);
    await putOrder(ctx.tx, found.order, found.rev, ctx.receivedAt);
  }
}

/**
 * [SHS4] Routes again `lines` (units of delivery lines just picked short) of
 * one order, per mode and address, and returns the order with the new
 * allocations. Whatever cannot be routed is refunded and raised.
 */
async function reroute(
  ctx: Ctx,
  fact: FulfilmentFact,
  order: Order,
  lines: readonly { lineId: string; quantity: number }[],
  singleOrder: boolean,
): Promise<Order> {
  const policy = ctx.options.routingPolicy ?? DEFAULT_ROUTING_POLICY;
  const book = ctx.options.addressBook ?? plainAddressBook;
  const groups = new Map<string, { mode: RoutableMode; addressId: string; lineIds: string[] }>();
  for (const { lineId } of lines) {
    const line = order.lines.find((l) => l.lineId === lineId)!;
    // [RO9] A pickup line is never rerouted (nor has it an allocation to be short of).
    if (!isDeliveryLine(line)) continue;
    const f = line.fulfilment as { mode: RoutableMode; addressId: string };
    const key = `${f.mode}\u0000${f.addressId}`;
    const group = groups.get(key) ?? { mode: f.mode, addressId: f.addressId, lineIds: [] };
    group.lineIds.push(lineId);
    groups.set(key, group);
  }
  const unrouted: { lineId: string; quantity: number; reason: string }[] = [];
  for (const group of groups.values()) {
    const want = lines.filter((l) => group.lineIds.includes(l.lineId));
    const address = await book.forRouting(ctx.tx, group.addressId);
    if (!address) {
      for (const l of want) {
        unrouted.push({ ...l, reason: `address ${group.addressId} is unknown` });
      }
      continue;
    }
    // All the missing units together first; when no plan takes them all, each line alone.
    const attempts = want.length > 1 ? [want, ...want.map((l) => [l])] : [want];
    const done = new Set<string>();
    for (const attempt of attempts) {
      if (attempt.some((l) => done.has(l.lineId))) continue;
      const routed = await routeUnits(ctx, fact, order, attempt, group.mode, address, policy);
      if (routed.ok) {
        order = routed.order;
        for (const l of attempt) done.add(l.lineId);
      } else if (attempt.length === 1 || want.length === 1) {
        unrouted.push({ ...attempt[0]!, reason: routed.message });
      }
    }
  }
  if (unrouted.length === 0) return order;
  // [SHS6] [OD16] What nothing can take is given up (order event `units-cancelled`) and goes
  // back to the customer: the units' share of each line's net, its last units.
  let refund = 0;
  for (const u of unrouted) {
    const line = order.lines.find((l) => l.lineId === u.lineId)!;
    const fen = cancelRefund(line, u.quantity);
    const given = applyOrderEvent(order, {
      kind: 'units-cancelled',
      id: `${fact.id}:units-cancelled:${u.lineId}`,
      at: fact.at,
      lineId: u.lineId,
      quantity: u.quantity,
      refund: fen,
      reason: u.reason,
    });
    // Cannot happen: the units were just released from the order's allocations.
    if (!given.ok) throw new Error(`units of ${order.id} not given up: ${given.message}`);
    order = given.order;
    refund += fen;
  }
  const refundCtx = singleOrder ? ctx : { ...ctx, factId: `${ctx.factId}:${order.id}` };
  await recordRefund(refundCtx, { orderId: order.id, amount: refund, to: 'original' });
  await recordException(
    ctx,
    'reroute-failed',
    {
      orderId: order.id,
      shipmentId: fact.shipmentId,
      lines: unrouted as unknown as JsonObject[],
      refund,
      reason: `no location can take ${unrouted.map((u) => `${u.quantity} of line ${u.lineId}`).join(', ')}: ${refund} fen refunded`,
    },
    order.id,
  );
  return order;
}

/** [SHS4] One routing decision for `lines` of `order`; on success, applied: routed, held, parcels. */
async function routeUnits(
  ctx: Ctx,
  fact: FulfilmentFact,
  order: Order,
  lines: readonly { lineId: string; quantity: number }[],
  mode: RoutableMode,
  address: ShipAddress,
  policy: RoutingPolicy,
): Promise<{ ok: true; order: Order } | { ok: false; message: string }> {
  const now = ctx.receivedAt;
  const routingLines = lines.map(({ lineId, quantity }) => {
    const line = order.lines.find((l) => l.lineId === lineId)!;
    return { lineId, sku: line.sku, quantity, unitPrice: line.unitPrice };
  });
  const skus = [...new Set(routingLines.map((l) => l.sku))];
  // [RO9] Every location that picked one of the order's lines of these SKUs short, this time or before.
  const exclude = (order.allocations ?? [])
    .filter((a) => a.short > 0)
    .map((a) => ({
      locationId: a.locationId,
      sku: order.lines.find((l) => l.lineId === a.lineId)!.sku,
    }))
    .filter((e) => skus.includes(e.sku));
  const request: RoutingRequest = {
    mode,
    lines: routingLines,
    destination: address.point,
    now,
    locations: await routingCandidates(ctx.tx, skus, mode, now, policy),
    policy,
    exclude,
  };
  const decision = routeOrder(request);
  await storeRoutingInput(ctx.tx, order, request, decision, policy);
  if (!decision.ok) return { ok: false, message: decision.message };
  const n = (order.routing?.length ?? 0) + 1;
  const allocations = decision.allocations.map((a) => ({
    lineId: a.lineId,
    locationId: a.locationId,
    shipmentId: `${order.id}-R${n}-${a.locationId}`,
    quantity: a.quantity,
  }));
  const routed = applyOrderEvent(order, {
    kind: 'routed',
    id: `${fact.id}:routed:${n}`,
    at: now,
    allocations,
    explanation: decision.explanation,
  } satisfies OrderEvent);
  // Cannot happen: the units were just released from the order's allocations.
  if (!routed.ok) throw new Error(`reroute of ${order.id} refused: ${routed.message}`);
  const held: UnitsByLevel = new Map();
  for (const a of decision.allocations) addUnits(held, a.locationId, a.sku, a.quantity);
  await moveHeld(ctx.tx, held, 1, undefined, now);
  // [SHS5] The new units only: the order's other parcels are made already.
  const before = routed.order.allocations!.length - allocations.length;
  const kept = routed.order.allocations!.slice(0, before);
  const made = await makeShipments(
    ctx.tx,
    { ...routed.order, allocations: routed.order.allocations!.slice(before) },
    now,
    ctx.options,
  );
  return { ok: true, order: { ...made, allocations: [...kept, ...made.allocations!] } };
}

/** [SHS4] Stores a routing decision's input, packed, under the order's next free `<orderId>:<n>`. */
async function storeRoutingInput(
  tx: WriteTransaction,
  order: Order,
  request: RoutingRequest,
  decision: RoutingDecision,
  policy: RoutingPolicy,
): Promise<void> {
  for (let n = (order.routing?.length ?? 0) + 1; ; n++) {
    const id = `${order.id}:${n}`;
    if ((await tx.getDocs(ROUTING_INPUTS_DB, [id])).has(id)) continue;
    const stored = await writeRoutingInput(tx, {
      id,
      orderId: order.id,
      day: localDay(request.now, policy.utcOffsetMinutes),
      at: request.now,
      request,
      chosen: decision.ok ? decision.shipments.map((s) => s.locationId) : [],
    });
    if (!stored) throw new Error(`${id} changed underneath`);
    return;
  }
}
