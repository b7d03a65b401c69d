/**
 * What stock levels, member points and coupon states must be, computed from
 * the documents the server accepted and nothing else, with the domain's pure
 * functions (sale and return movements, point entries of sales and returns,
 * the signed effect of a movement). The fuzz suite and the chaos test
 * compare the server's projections with it. [RB3]
 */
import {
  addReturned,
  creditedEarn,
  creditedReversal,
  earnedBySale,
  ledgerMovementsForSale,
  NOTHING_RETURNED,
  returnAgainstSaleProblems,
  type ReturnedSoFar,
  onHandDelta,
  pointEntriesForReturn,
  pointEntriesForSale,
  stockLevelId,
  stockMovementsForReturn,
  type CollectionName,
  type Coupon,
  type LedgerMovement,
  type Member,
  type PointEntry,
  type ReturnFact,
  type SaleFact,
  type StockLevel,
  type Store,
  phoneIndex,
  applyOrderEvent,
  applyPickup,
  checkOrderReturn,
  DEFAULT_HOLD_POLICY,
  pickupDeadline,
  type Order,
  type OrderFactKind,
  type OrderPaymentFact,
  type OrderReturnFact,
  type PickupFact,
  applyFulfilmentStep,
  type FulfilmentFact,
  type Shipment,
} from '@pos/domain';
import { DEMO_STYLE_STOCK } from '../demo-clerk';
import { DEMO_PRODUCTS, DEMO_STOCK, DEMO_STORES, DEMO_WAREHOUSE_STOCK } from '../demo-data';
import { DEMO_PRIVACY_KEYS } from '../pii/keyring';
import { DEMO_COUPONS, DEMO_MEMBER_VIEWS, DEMO_POINTS_PROGRAMME } from '../demo-people';

type Principal = { kind: 'device'; deviceId: string; storeId: string } | { kind: 'admin' };

export class FuzzModel {
  /**
   * @param deviceIds every device that pushes, to tell whose namespace an id is in
   * @param seededOrders [OS1] the orders the server holds before the run (their units held)
   */
  constructor(
    private readonly deviceIds: readonly string[],
    seededOrders: readonly Order[] = [],
    /** [SHS1] the parcels the seeded orders made */
    seededShipments: readonly Shipment[] = [],
  ) {
    const hold = (storeId: string, sku: string, units: number) => {
      const id = stockLevelId(storeId, sku);
      this.held.set(id, (this.held.get(id) ?? 0) + units);
    };
    for (const order of seededOrders) {
      this.orders.set(order.id, order);
      for (const line of order.lines) {
        if (line.fulfilment.mode !== 'pickup') continue;
        hold(line.fulfilment.storeId, line.sku, line.quantity - line.pickedUp);
      }
      // [RP4] Routed units are held at their locations until short or shipped.
      for (const a of order.allocations ?? []) {
        const sku = order.lines.find((l) => l.lineId === a.lineId)!.sku;
        hold(a.locationId, sku, a.quantity - a.short - a.shipped);
      }
    }
    for (const shipment of seededShipments) this.shipments.set(shipment.shipmentId, shipment);
  }
  /** [SHS1] The parcels as the accepted fulfilment steps leave them, by shipment id. */
  private readonly shipments = new Map<string, Shipment>();
  /** [OS5] The orders as the accepted order facts leave them, by id. */
  private readonly orders = new Map<string, Order>();
  /** [OS1] The units orders hold per stock level. */
  readonly held = new Map<string, number>();
  /** [F3] The order facts recorded, by id, as sent: a replay changes nothing. */
  private readonly orderFacts = new Map<string, string>();
  readonly stock = new Map<string, number>(
    // [RS1] The demo warehouse's stock and the tee style's sizes too: the server holds them from the seed.
    [...DEMO_STOCK, ...DEMO_WAREHOUSE_STOCK, ...DEMO_STYLE_STOCK].map((l) => [l.id, l.onHand]),
  );
  readonly members = new Map<string, Member>(DEMO_MEMBER_VIEWS.map((m) => [m.id, { ...m }]));
  readonly coupons = new Map<string, Coupon>(DEMO_COUPONS.map((c) => [c.id, { ...c }]));
  readonly skus = new Set<string>(DEMO_PRODUCTS.map((p) => p.id));
  /** [MP8] The catalog's category of each SKU, which the points programme earns by. */
  readonly categories = new Map<string, string>(DEMO_PRODUCTS.map((p) => [p.id, p.category]));
  readonly stores = new Map<string, string>(DEMO_STORES.map((s) => [s.id, s.currency]));
  /** Point entries recorded (derived by the server, or HQ adjustments), by id. */
  readonly entries = new Map<string, PointEntry>();
  readonly sales = new Map<string, SaleFact>();
  /** Returns applied to each sale, in order. */
  readonly returns = new Map<string, ReturnFact[]>();
  /** [RT8] What the applied returns took back of each sale. */
  private readonly returned = new Map<string, ReturnedSoFar>();
  /** [RT9] Returns recorded before their sale, by sale id, in arrival order. */
  private readonly waiting = new Map<string, ReturnFact[]>();
  /** [FX6] Sales kept without moving anything. */
  private readonly inForeignCurrency = new Set<string>();
  private readonly salesByStore = new Map<string, SaleFact[]>();
  private readonly entriesByDevice = new Map<string, PointEntry[]>();

  orderList(): Order[] {
    return [...this.orders.values()];
  }

  shipmentList(): Shipment[] {
    return [...this.shipments.values()];
  }

  /**
   * [SHS1]-[SHS3] A location's step on a parcel, as the server applies it:
   * folded into the parcel by the domain, or not at all; a hand-over ships
   * the picked units of every order in it (all or none) and takes them off
   * on hand and held. Short picks reroute, which this model does not do:
   * the generator never sends them.
   */
  private applyFulfilment(fact: FulfilmentFact): string | null {
    const shipment = this.shipments.get(fact.shipmentId);
    if (!shipment) return null;
    const stepped = applyFulfilmentStep(shipment, fact);
    if (!stepped.ok || stepped.shipment === shipment) return null;
    if (fact.step === 'short')
      return `applied a short pick ${fact.id}, which the model does not route`;
    if (fact.step !== 'handover') {
      this.shipments.set(shipment.shipmentId, stepped.shipment);
      return null;
    }
    const picked = stepped.shipment.lines.filter((l) => l.picked > 0);
    const next = new Map<string, Order>();
    for (const orderId of new Set(picked.map((l) => l.orderId))) {
      const order = this.orders.get(orderId);
      if (!order) return null;
      const shipped = applyOrderEvent(order, {
        kind: 'shipped',
        id: `${fact.id}:shipped`,
        at: fact.at,
        shipmentId: shipment.shipmentId,
        lines: picked
          .filter((l) => l.orderId === orderId)
          .map((l) => ({ lineId: l.lineId, quantity: l.picked })),
      });
      if (!shipped.ok) return null;
      next.set(orderId, shipped.order);
    }
    for (const [id, order] of next) this.orders.set(id, order);
    const { shipTo: _dropped, ...handedOver } = stepped.shipment;
    this.shipments.set(shipment.shipmentId, handedOver);
    for (const l of picked) {
      const level = stockLevelId(shipment.storeId, l.sku);
      this.stock.set(level, (this.stock.get(level) ?? 0) - l.picked);
      this.held.set(level, Math.max((this.held.get(level) ?? 0) - l.picked, 0));
    }
    return null;
  }

  /**
   * [RI5] [TO7] A try-on fact as the server must take it: its device's and
   * store's own, stored once (a different one under a recorded id refused),
   * moving nothing. Returns why it should not have been accepted, or null.
   */
  applyTryOnFact(principal: Principal, doc: Record<string, unknown>): string | null {
    if (
      principal.kind !== 'device' ||
      doc.storeId !== principal.storeId ||
      doc.deviceId !== principal.deviceId
    ) {
      return 'accepted a tryOn fact of another store or device';
    }
    const id = String(doc.id);
    const content = canonical(doc);
    const known = this.orderFacts.get(id);
    if (known !== undefined && known !== content) {
      return `accepted another tryOn fact under the recorded id ${id}`;
    }
    this.orderFacts.set(id, content);
    return null;
  }

  /**
   * [OS5]-[OS7] Applies one accepted order fact as the server must: its
   * device's and store's own; applied to its order by the domain's rules or
   * not at all. Returns why it should not have been accepted, or null.
   */
  applyOrderFact(
    kind: OrderFactKind,
    principal: Principal,
    doc: Record<string, unknown>,
  ): string | null {
    if (
      principal.kind !== 'device' ||
      doc.storeId !== principal.storeId ||
      doc.deviceId !== principal.deviceId
    ) {
      return `accepted a ${kind} fact of another store or device`;
    }
    const id = String(doc.id);
    const content = canonical(doc);
    const known = this.orderFacts.get(id);
    if (known !== undefined) {
      return known === content ? null : `accepted another ${kind} fact under the recorded id ${id}`;
    }
    this.orderFacts.set(id, content);
    if (kind === 'fulfilment') return this.applyFulfilment(doc as unknown as FulfilmentFact);
    const order = this.orders.get(String(doc.orderId));
    if (!order) return null;
    const move = (storeId: string, sku: string, delta: number, held: number) => {
      const level = stockLevelId(storeId, sku);
      this.stock.set(level, (this.stock.get(level) ?? 0) + delta);
      if (held) this.held.set(level, Math.max((this.held.get(level) ?? 0) + held, 0));
    };
    const skuOf = (lineId: string) => order.lines.find((l) => l.lineId === lineId)!.sku;
    if (kind === 'pickup') {
      const fact = doc as unknown as PickupFact;
      const result = applyPickup(order, fact);
      if (!result.ok) return null;
      this.orders.set(order.id, result.order);
      for (const l of fact.lines) move(fact.storeId, skuOf(l.lineId), -l.quantity, -l.quantity);
    } else if (kind === 'orderPayment') {
      const fact = doc as unknown as OrderPaymentFact;
      if (fact.amount !== order.total) return null;
      const paid = applyOrderEvent(order, {
        kind: 'paid',
        id: `till-paid:${fact.id}`,
        at: fact.at,
        pickupDeadline: pickupDeadline(fact.at, DEFAULT_HOLD_POLICY),
      });
      if (paid.ok) this.orders.set(order.id, paid.order);
    } else {
      const fact = doc as unknown as OrderReturnFact;
      const checked = checkOrderReturn(order, fact.lines, fact.refund);
      if (!checked.ok) return null;
      let next = order;
      for (const line of checked.perLine) {
        const result = applyOrderEvent(next, {
          kind: 'returned',
          id: `${fact.id}:${line.lineId}`,
          at: fact.at,
          lineId: line.lineId,
          quantity: line.quantity,
          refund: line.refund,
        });
        if (!result.ok) return null;
        next = result.order;
      }
      this.orders.set(order.id, next);
      for (const l of fact.lines) move(fact.storeId, skuOf(l.lineId), l.quantity, 0);
    }
    return null;
  }

  balance(memberId: string): number {
    return this.members.get(memberId)?.points ?? 0;
  }
  salesFor(storeId: string): SaleFact[] {
    return this.salesByStore.get(storeId) ?? [];
  }
  returnsOf(saleId: string): ReturnFact[] {
    return this.returns.get(saleId) ?? [];
  }
  derivedEntriesOf(deviceId: string): PointEntry[] {
    return this.entriesByDevice.get(deviceId) ?? [];
  }
  couponsForSale(): Coupon[] {
    return [...this.coupons.values()].filter((c) => c.status !== 'void');
  }

  /**
   * [PT1] [PT3] Moves a member's balance by new entries; below zero is
   * written off to zero by an entry `${triggerId}:write-off`.
   */
  private writeEntries(
    memberId: string,
    entries: readonly PointEntry[],
    triggerId: string,
    deviceId?: string,
  ): void {
    const member = this.members.get(memberId);
    if (!member) return;
    const fresh = entries.filter((e) => !this.entries.has(e.id));
    if (fresh.length === 0) return;
    for (const e of fresh) {
      this.entries.set(e.id, e);
      if (deviceId) {
        const list = this.entriesByDevice.get(deviceId) ?? [];
        list.push(e);
        this.entriesByDevice.set(deviceId, list);
      }
    }
    const balance = fresh.reduce((sum, e) => sum + e.points, member.points);
    if (balance < 0) {
      const id = `${triggerId}:write-off`;
      this.entries.set(id, {
        id,
        memberId,
        kind: 'adjust',
        points: -balance,
        factId: triggerId,
        at: '',
      });
    }
    member.points = Math.max(0, balance);
  }

  private move(movement: Pick<LedgerMovement, 'location' | 'sku' | 'kind' | 'quantity'>): void {
    // [SK1] Only a product the chain has moves stock; an unknown SKU is an exception.
    if (!this.skus.has(movement.sku)) return;
    const delta = onHandDelta(movement);
    if (delta === 0) return;
    const id = stockLevelId(movement.location, movement.sku);
    this.stock.set(id, (this.stock.get(id) ?? 0) + delta);
  }

  private memberOfSale(sale: SaleFact): string | null {
    if (sale.memberId !== undefined) return this.members.has(sale.memberId) ? sale.memberId : null;
    // [PK10] A phone in plaintext is pseudonymised before the sale is stored.
    const index =
      sale.memberPhoneIndex ??
      (sale.memberPhone === undefined
        ? undefined
        : phoneIndex(DEMO_PRIVACY_KEYS.indexKey, sale.memberPhone));
    if (index === undefined) return null;
    const found = [...this.members.values()].filter((m) => m.phoneIndex === index);
    const member = found.find((m) => m.status === 'active') ?? found[0];
    return member && member.status !== 'erased' ? member.id : null;
  }

  /**
   * [FX7] [RT8] A return moves stock and points only when it fits what its
   * sale sold, was due, earned and redeemed over the returns applied before
   * it (`returnAgainstSaleProblems`); [FX6] never for a sale in a foreign
   * currency. One that does not fit is kept and moves nothing.
   */
  private applyReturn(ret: ReturnFact, sale: SaleFact): void {
    if (this.inForeignCurrency.has(sale.id)) return;
    const before = this.returned.get(sale.id) ?? NOTHING_RETURNED;
    if (returnAgainstSaleProblems(sale, before, ret).length > 0) return;
    this.returned.set(sale.id, addReturned(before, ret));
    this.returns.set(sale.id, [...this.returnsOf(sale.id), ret]);
    for (const m of stockMovementsForReturn(ret)) this.move(m);
    if (ret.points.reversedEarn !== 0 || ret.points.restoredRedeem !== 0) {
      const points = (id: string) => this.entries.get(id)?.points ?? 0;
      // [PT7] [MP9] Reverse only what the sale was credited, restore only what it took.
      const reversedEarn = creditedReversal(
        { claimed: sale.points.earned, credited: points(`${sale.id}:earn`) },
        before.reversedEarn,
        ret.points.reversedEarn,
      );
      const restoredRedeem = creditedReversal(
        {
          claimed: sale.points.redeemed,
          credited: -points(`${sale.id}:redeem`) - points(`${sale.id}:write-off`),
        },
        before.restoredRedeem,
        ret.points.restoredRedeem,
      );
      const recorded =
        this.entries.get(`${ret.saleId}:earn`) ?? this.entries.get(`${ret.saleId}:redeem`);
      const memberId = recorded?.memberId ?? sale.memberId;
      if (memberId !== undefined) {
        const credited = { ...ret, points: { reversedEarn, restoredRedeem } };
        this.writeEntries(memberId, pointEntriesForReturn(credited, memberId), ret.id);
      }
    }
  }

  /**
   * Applies one accepted document, in the order the server answered it.
   * Returns why it should not have been accepted, or null.
   */
  apply(db: CollectionName, principal: Principal, doc: Record<string, unknown>): string | null {
    if (principal.kind === 'device') {
      const own = `${principal.deviceId}-`;
      const id = String(doc.id);
      if (!id.startsWith(own)) return `accepted ${db} ${id} outside ${principal.deviceId}'s ids`;
      // [A4] Exact ownership: S001-POS1 never writes in S001-POS1-B's namespace.
      const owner = this.deviceIds.find(
        (d) => d !== principal.deviceId && d.startsWith(own) && id.startsWith(`${d}-`),
      );
      if (owner) return `accepted ${db} ${id} in ${owner}'s namespace`;
    }
    switch (db) {
      case 'saleFacts': {
        const sale = doc as unknown as SaleFact;
        if (principal.kind !== 'device' || sale.storeId !== principal.storeId) {
          return `accepted a sale of another store`;
        }
        this.sales.set(sale.id, sale);
        // [FX6] A sale in another currency than its store's is kept but moves nothing.
        if (this.stores.get(sale.storeId) !== sale.currency) {
          this.inForeignCurrency.add(sale.id);
          return null;
        }
        const list = this.salesByStore.get(sale.storeId) ?? [];
        list.push(sale);
        this.salesByStore.set(sale.storeId, list);
        for (const m of ledgerMovementsForSale(sale)) this.move(m);
        const memberId = this.memberOfSale(sale);
        if (memberId !== null) {
          // [PT7] [MP8] [MP9] The programme's points for the sale, never more than it claims.
          const derived = earnedBySale(
            sale,
            this.members.get(memberId)!.tier,
            DEMO_POINTS_PROGRAMME.earnRules,
            (sku) => this.categories.get(sku),
          );
          this.writeEntries(
            memberId,
            pointEntriesForSale({
              id: sale.id,
              memberId,
              at: sale.soldAt,
              earned: creditedEarn(sale.points.earned, derived),
              redeemed: sale.points.redeemed,
            }),
            sale.id,
            principal.deviceId,
          );
        }
        // [CR1] Each coupon is redeemed once; [CR2] a used, void or unknown one stays.
        for (const id of new Set(sale.coupons)) {
          const coupon = this.coupons.get(id);
          if (coupon?.status === 'issued') coupon.status = 'redeemed';
        }
        // [RT9] Returns that arrived before their sale are applied now, in their order.
        for (const ret of this.waiting.get(sale.id) ?? []) this.applyReturn(ret, sale);
        this.waiting.delete(sale.id);
        return null;
      }
      case 'returns': {
        const ret = doc as unknown as ReturnFact;
        // [RT7] A negative or inconsistent refund is malformed.
        if (ret.refund < 0 || ret.lines.reduce((s, l) => s + l.refund, 0) !== ret.refund) {
          return `accepted a return whose refund ${ret.refund} is not the sum of its lines`;
        }
        const sale = this.sales.get(ret.saleId);
        if (sale) this.applyReturn(ret, sale);
        else this.waiting.set(ret.saleId, [...(this.waiting.get(ret.saleId) ?? []), ret]);
        return null;
      }
      case 'stockMovements':
        this.move(doc as unknown as LedgerMovement);
        return null;
      case 'pointEntries': {
        const entry = doc as unknown as PointEntry;
        if (principal.kind === 'admin') {
          // [A10] An adjustment: the member exists and the balance stays >= 0.
          const member = this.members.get(entry.memberId);
          if (!member) return `accepted an adjustment for unknown member ${entry.memberId}`;
          if (!this.entries.has(entry.id) && member.points + entry.points < 0) {
            return `accepted an adjustment taking ${entry.memberId} below zero`;
          }
          this.writeEntries(entry.memberId, [entry], entry.id);
          return null;
        }
        // [FX3] A till's entry is accepted only as an exact replay of one the server derived.
        const derived = this.entries.get(entry.id);
        if (!derived) return `accepted point entry ${entry.id} that no recorded fact implies`;
        if (canonical(derived) !== canonical(entry)) {
          return `accepted point entry ${entry.id} that differs from the one its fact implies`;
        }
        return null;
      }
      case 'shifts':
        return null;
      case 'stores':
        this.stores.set(String(doc.id), (doc as unknown as Store).currency);
        return null;
      case 'products':
        this.skus.add(String(doc.id));
        this.categories.set(String(doc.id), String(doc.category));
        return null;
      case 'coupons':
        this.coupons.set(String(doc.id), { ...(doc as unknown as Coupon) });
        return null;
      default:
        return null;
    }
  }

  /** Compares the server's projections with the model; returns every difference. */
  compare(server: {
    stock: StockLevel[];
    members: Member[];
    coupons: Coupon[];
    /** [ATP3] The units orders hold, by stock level id. */
    held?: ReadonlyMap<string, number>;
  }): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    for (const level of server.stock) {
      seen.add(level.id);
      const want = this.stock.get(level.id);
      if (want === undefined)
        out.push(`stock ${level.id}: the server has ${level.onHand}, no accepted fact made it`);
      else if (want !== level.onHand)
        out.push(`stock ${level.id}: server ${level.onHand}, model ${want}`);
      // [OS1] The units orders hold.
      const held = this.held.get(level.id) ?? 0;
      const serverHeld = server.held?.get(level.id) ?? 0;
      if (serverHeld !== held) {
        out.push(`stock ${level.id}: server holds ${serverHeld}, model ${held}`);
      }
    }
    for (const [id, onHand] of this.stock) {
      if (!seen.has(id)) out.push(`stock ${id}: missing on the server (model ${onHand})`);
    }
    for (const member of server.members) {
      const want = this.members.get(member.id);
      if (want && want.points !== member.points) {
        out.push(`member ${member.id}: server ${member.points} points, model ${want.points}`);
      }
    }
    const coupons = new Map(server.coupons.map((c) => [c.id, c.status]));
    for (const [id, coupon] of this.coupons) {
      if (coupons.get(id) !== coupon.status) {
        out.push(`coupon ${id}: server ${String(coupons.get(id))}, model ${coupon.status}`);
      }
    }
    return out;
  }
}

function canonical(value: object): string {
  return JSON.stringify(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
