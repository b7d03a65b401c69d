/**
 * A store's (or warehouse's) fulfilment tasks: the parcels it ships. A
 * shipment holds the routed units of one or more orders of one customer to
 * one address ([MG1]); the location's devices pick each item by a scan,
 * report what they cannot find, pack, print the label and hand the parcel to
 * the courier, each step a fact written offline too ([FS1]-[FS8]). The
 * server keeps the shipment (`storeState`, kind `shipment`) and folds the
 * steps into it; a device folds its own steps not yet synced over the copy
 * it holds. Pure. See SPEC.md [FS1]-[FS8], [MG1].
 */
import { fail, type Result } from './errors';
import type { RoutableMode } from './locations';
import type { RoutingExplanation } from './routing';
import { count, id, text, time } from './schema-fields';
import { validateAgainstSchema, type SchemaProblem } from './validate';

/** [FS1] Units of one order line in a parcel, and how far the location got with them. */
export type ShipmentLine = {
  orderId: string;
  lineId: string;
  sku: string;
  /** The product's name, as printed on the pick list and the packing slip. */
  name: string;
  quantity: number;
  /** [FS7] Where the item sits in the location ('A03-2'), for the pick list; none sorts last. */
  aisle?: string;
  picked: number;
  /** Units the location could not pick: rerouted elsewhere ([RO9]). */
  short: number;
};

/**
 * [FS8] What the shipping label prints, and nothing more: the recipient's
 * name and phone masked as on a privacy waybill, the region and the street
 * address the courier needs. Removed from the device's copy once handed over.
 */
export type ShipTo = {
  name: string;
  phone: string;
  region: string;
  detail: string;
};

export type ShipmentStatus = 'open' | 'packed' | 'handed-over' | 'cancelled';

/** [FS1] A parcel at a location (`storeState`, kind `shipment`, id `shipment:<shipment id>`). */
export type Shipment = {
  id: string;
  kind: 'shipment';
  /** The location that ships it. */
  storeId: string;
  shipmentId: string;
  mode: RoutableMode;
  /** The orders in the parcel: more than one when merged ([MG1]). */
  orderIds: string[];
  /** [MG1] The customer: a member id or a phone's keyed index, never the phone. */
  customerKey: string;
  /** [MG1] The customer's address, by id (the address itself stays on the server). */
  addressId: string;
  lines: ShipmentLine[];
  status: ShipmentStatus;
  createdAt: string;
  updatedAt: string;
  /** [MG1] Another order of this customer to this address joins the parcel until then, while it is open. */
  mergeUntil: string;
  /** [RO8] A same-city delivery's promised window. */
  window?: { from: string; to: string };
  shipTo?: ShipTo;
  carrier: string;
  /** The courier's waybill number, given when the shipment is made, so the label prints offline. */
  trackingNo: string;
  /** [RO10] In a sentence, why this location ships it. */
  reason?: string;
  /** [RO10] The routing decision that put the parcel here, for a device to explain in its language. */
  explanation?: RoutingExplanation;
  packedAt?: string;
  weightGrams?: number;
  labelPrints: number;
  handedOverAt?: string;
  /** Ids of the steps applied ([FS6]). */
  factIds: string[];
};

/** [FS1] The `storeState` id of a shipment. */
export function shipmentDocId(shipmentId: string): string {
  return `shipment:${shipmentId}`;
}

/** [FS2]-[FS5] One step of a location's work on a parcel. */
export type FulfilmentStep = 'pick' | 'short' | 'pack' | 'label' | 'handover';

/** Units of one order line in a step. */
export type ShipmentLineCount = { orderId: string; lineId: string; quantity: number };

/**
 * [FS1] A step written on the location's device (`facts`, kind
 * `fulfilment`): pick and short name lines with units; pick says how the
 * items were scanned; short says why; pack may weigh the parcel; handover
 * names the courier.
 */
export type FulfilmentFact = {
  id: string;
  storeId: string;
  shipmentId: string;
  step: FulfilmentStep;
  at: string;
  deviceId: string;
  staffId: string;
  lines?: ShipmentLineCount[];
  /** pick: how the items were identified. */
  by?: 'barcode' | 'rfid' | 'manual';
  /** pick: the barcodes or EPCs scanned, for the record. */
  codes?: string[];
  /** short: why the units are not there. */
  reason?: 'not-found' | 'damaged' | 'rejected';
  weightGrams?: number;
  /** handover: the courier's name or badge. */
  courier?: string;
};

const lineCounts = {
  type: 'array',
  minItems: 1,
  maxItems: 200,
  items: {
    type: 'object',
    properties: {
      orderId: id,
      lineId: id,
      quantity: { type: 'integer', minimum: 1, maximum: 1e6 },
    },
    required: ['orderId', 'lineId', 'quantity'],
    additionalProperties: false,
  },
} as const;

/** [FS1] The schema of a fulfilment fact's body (without `kind`). */
export const FULFILMENT_FACT_SCHEMA = {
  type: 'object',
  properties: {
    id,
    storeId: id,
    shipmentId: id,
    step: { type: 'string', enum: ['pick', 'short', 'pack', 'label', 'handover'] },
    at: time,
    deviceId: id,
    staffId: id,
    lines: lineCounts,
    by: { type: 'string', enum: ['barcode', 'rfid', 'manual'] },
    codes: { type: 'array', maxItems: 1000, items: { type: 'string', maxLength: 128 } },
    reason: { type: 'string', enum: ['not-found', 'damaged', 'rejected'] },
    weightGrams: count,
    courier: text,
  },
  required: ['id', 'storeId', 'shipmentId', 'step', 'at', 'deviceId', 'staffId'],
  additionalProperties: false,
} as const;

/** [FS1] Validates a fulfilment fact's body: its schema, an instant, the fields its step needs. */
export function fulfilmentFactProblems(value: unknown): SchemaProblem[] {
  const problems = validateAgainstSchema(FULFILMENT_FACT_SCHEMA, value);
  if (problems.length) return problems;
  const fact = value as FulfilmentFact;
  if (!Number.isFinite(Date.parse(fact.at)))
    return [{ path: '$.at', message: 'is not an instant' }];
  const needsLines = fact.step === 'pick' || fact.step === 'short';
  if (needsLines && !fact.lines)
    return [{ path: '$.lines', message: `a ${fact.step} names lines` }];
  if (!needsLines && fact.lines) {
    return [{ path: '$.lines', message: `a ${fact.step} names no lines` }];
  }
  if (fact.step === 'short' && !fact.reason) {
    return [{ path: '$.reason', message: 'a short pick says why' }];
  }
  const seen = new Set<string>();
  for (const l of fact.lines ?? []) {
    const key = `${l.orderId}\u0000${l.lineId}`;
    if (seen.has(key)) return [{ path: '$.lines', message: `line ${l.lineId} is named twice` }];
    seen.add(key);
  }
  return [];
}

const shipmentSchema = {
  type: 'object',
  properties: {
    id,
    kind: { type: 'string', enum: ['shipment'] },
    storeId: id,
    shipmentId: id,
    status: { type: 'string', enum: ['open', 'packed', 'handed-over', 'cancelled'] },
    lines: { type: 'array', minItems: 1, maxItems: 400 },
    updatedAt: time,
  },
  required: ['id', 'kind', 'storeId', 'shipmentId', 'status', 'lines', 'updatedAt'],
  additionalProperties: true,
} as const;

/** [FS1] Validates a `storeState` document of kind `shipment`: its id names its shipment. */
export function shipmentProblems(value: unknown): SchemaProblem[] {
  const problems = validateAgainstSchema(shipmentSchema, value);
  if (problems.length) return problems;
  const doc = value as Shipment;
  const want = shipmentDocId(doc.shipmentId);
  return doc.id === want ? [] : [{ path: '$.id', message: `must be ${want}` }];
}

export type FulfilmentErrorCode =
  | 'SHIPMENT_WRONG_STORE'
  | 'SHIPMENT_CLOSED'
  | 'SHIPMENT_LINE_UNKNOWN'
  | 'SHIPMENT_EXCEEDS_LINE'
  | 'SHIPMENT_NOT_READY'
  | 'SHIPMENT_NOT_PACKED'
  | 'SHIPMENT_NO_LABEL'
  | 'FULFILMENT_FACT_INVALID';

export type ShipmentResult = Result<{ shipment: Shipment }, FulfilmentErrorCode>;

/** [FS2] Units of a line neither picked nor short yet. */
export const unitsToPick = (line: ShipmentLine): number => line.quantity - line.picked - line.short;

/**
 * [FS2]-[FS6] Applies one step to a shipment and returns the new one, or a
 * code saying why it is refused; the shipment given is never changed. A
 * step applied already is a no-op; a step of another location is refused.
 */
export function applyFulfilmentStep(shipment: Shipment, fact: FulfilmentFact): ShipmentResult {
  if (fulfilmentFactProblems(fact).length > 0) {
    return fail('FULFILMENT_FACT_INVALID', 'the step is not a well-formed fulfilment fact');
  }
  if (shipment.factIds.includes(fact.id)) return { ok: true, shipment };
  if (fact.storeId !== shipment.storeId || fact.shipmentId !== shipment.shipmentId) {
    return fail(
      'SHIPMENT_WRONG_STORE',
      `the step names ${fact.shipmentId} at ${fact.storeId}, not ${shipment.shipmentId} at ${shipment.storeId}`,
    );
  }
  const next = (changes: Partial<Shipment>): ShipmentResult => ({
    ok: true,
    shipment: { ...shipment, ...changes, factIds: [...shipment.factIds, fact.id] },
  });
  if (shipment.status === 'handed-over' || shipment.status === 'cancelled') {
    return fail('SHIPMENT_CLOSED', `shipment ${shipment.shipmentId} is ${shipment.status}`);
  }
  switch (fact.step) {
    // [FS2] pick and short: open parcels, never beyond a line's units left.
    case 'pick':
    case 'short': {
      if (shipment.status !== 'open') {
        return fail('SHIPMENT_CLOSED', `shipment ${shipment.shipmentId} is packed already`);
      }
      let lines = shipment.lines;
      for (const c of fact.lines!) {
        const line = lines.find((l) => l.orderId === c.orderId && l.lineId === c.lineId);
        if (!line) {
          return fail(
            'SHIPMENT_LINE_UNKNOWN',
            `shipment ${shipment.shipmentId} has no line ${c.lineId} of ${c.orderId}`,
          );
        }
        if (c.quantity > unitsToPick(line)) {
          return fail(
            'SHIPMENT_EXCEEDS_LINE',
            `line ${c.lineId}: ${unitsToPick(line)} left to pick, not ${c.quantity}`,
          );
        }
        const field = fact.step === 'pick' ? 'picked' : 'short';
        lines = lines.map((l) => (l === line ? { ...l, [field]: l[field] + c.quantity } : l));
      }
      // [FS3] Nothing left to pick and nothing picked: the parcel is cancelled.
      const empty = lines.every((l) => unitsToPick(l) === 0 && l.picked === 0);
      return next({ lines, ...(empty ? { status: 'cancelled' as const } : {}) });
    }
    // [FS3] pack: every unit picked or short, at least one picked.
    case 'pack': {
      if (shipment.status !== 'open') {
        return fail('SHIPMENT_CLOSED', `shipment ${shipment.shipmentId} is packed already`);
      }
      const left = shipment.lines.reduce((s, l) => s + unitsToPick(l), 0);
      if (left > 0) {
        return fail('SHIPMENT_NOT_READY', `${left} units are still to pick before packing`);
      }
      return next({
        status: 'packed',
        packedAt: fact.at,
        ...(fact.weightGrams === undefined ? {} : { weightGrams: fact.weightGrams }),
      });
    }
    // [FS4] label: a packed parcel; printing again counts again.
    case 'label':
      if (shipment.status !== 'packed') {
        return fail('SHIPMENT_NOT_PACKED', `shipment ${shipment.shipmentId} is not packed yet`);
      }
      return next({ labelPrints: shipment.labelPrints + 1 });
    // [FS5] handover: packed and labelled.
    case 'handover':
      if (shipment.status !== 'packed') {
        return fail('SHIPMENT_NOT_PACKED', `shipment ${shipment.shipmentId} is not packed yet`);
      }
      if (shipment.labelPrints === 0) {
        return fail('SHIPMENT_NO_LABEL', `shipment ${shipment.shipmentId} has no label printed`);
      }
      return next({ status: 'handed-over', handedOverAt: fact.at });
  }
}

/** [FS6] A shipment after the steps given, in order; the first refusal stops the fold. */
export function foldFulfilmentSteps(
  shipment: Shipment,
  facts: readonly FulfilmentFact[],
): ShipmentResult {
  let current = shipment;
  for (const fact of facts) {
    const result = applyFulfilmentStep(current, fact);
    if (!result.ok) return result;
    current = result.shipment;
  }
  return { ok: true, shipment: current };
}

/**
 * [FS7] The pick list: lines with units left, in aisle order (A2 before A10),
 * lines with no aisle last, then by SKU and line.
 */
export function pickList(shipment: Pick<Shipment, 'lines'>): ShipmentLine[] {
  const collator = new Intl.Collator('en', { numeric: true });
  return shipment.lines
    .filter((l) => unitsToPick(l) > 0)
    .sort(
      (a, b) =>
        (a.aisle === undefined ? 1 : 0) - (b.aisle === undefined ? 1 : 0) ||
        collator.compare(a.aisle ?? '', b.aisle ?? '') ||
        collator.compare(a.sku, b.sku) ||
        collator.compare(`${a.orderId}/${a.lineId}`, `${b.orderId}/${b.lineId}`),
    );
}

/**
 * [MG1] Whether an order of `customerKey` to `addressId`, routed to the
 * shipment's location in the same mode at `at`, joins the shipment: same
 * customer, address, location and mode, the shipment still open with nothing
 * packed, and `at` before its merge deadline.
 */
export function canMerge(
  shipment: Pick<
    Shipment,
    'status' | 'mergeUntil' | 'storeId' | 'mode' | 'customerKey' | 'addressId' | 'lines'
  >,
  order: {
    customerKey: string;
    addressId: string;
    locationId: string;
    mode: RoutableMode;
    at: string;
  },
): boolean {
  return (
    shipment.status === 'open' &&
    shipment.customerKey === order.customerKey &&
    shipment.addressId === order.addressId &&
    shipment.storeId === order.locationId &&
    shipment.mode === order.mode &&
    Date.parse(order.at) < Date.parse(shipment.mergeUntil)
  );
}
