/**
 * The store's fulfilment desk: the parcels the store ships, picked item by
 * item by a scan (barcode or RFID tag) in aisle order, lines the store cannot
 * pick reported short, then packed, the packing slip and shipping label
 * printed and the parcel handed to the courier. Each step is a `fulfilment`
 * fact through the outbox, so all of it works offline: the parcel shown is
 * the server's copy with this till's own steps it does not reflect yet
 * folded over it. See SPEC.md [FD1]-[FD9]; the rules are the domain's [FS*].
 */
import {
  applyFulfilmentStep,
  orderFactProblems,
  orderNumber,
  pickList,
  unitsToPick,
  type FulfilmentFact,
  type FulfilmentStep,
  type RoutingExplanation,
  type Shipment,
  type ShipmentLine,
} from '@pos/domain';
import type { PackingSlip, ShippingLabel, TagRead } from '@pos/hardware/protocol';
import { done, info, noticeOf, refusalOf, refuse, type Notice, type Outcome } from './outcome';
import type { TillPorts } from './ports';

/** Where a parcel is in its work: what the desk asks for next. */
export type ParcelStage = 'pick' | 'pack' | 'label' | 'handover' | 'handed-over' | 'cancelled';

/** [FD1] One parcel in the desk's list. */
export type ParcelSummary = {
  /** The parcel as this till knows it: the server's, with this till's own steps folded over it. */
  shipment: Shipment;
  stage: ParcelStage;
  orderNumbers: string[];
  units: number;
  picked: number;
  short: number;
  /** Units still to pick. */
  left: number;
  /** Steps of this till the server's copy does not show yet (made offline, or not synced yet). */
  unsynced: number;
};

/** [FD3] What the last scan did, shown large on the pick list. */
export type ScanFeedback =
  | { ok: true; code: string; sku: string; name: string; left: number; parcelLeft: number }
  | { ok: false; code: string; text: string; params?: Record<string, string> };

/** [FD2] The parcel open at the desk. */
export type ParcelDraft = ParcelSummary & {
  /** Lines with units left to pick, in aisle order ([FS7]). */
  pickList: ShipmentLine[];
  /** [FD2] Why this store ships it, in a sentence; null when the server gave none. */
  reason: string | null;
  /** [FD2] The routing decision behind it, for the screen to explain in its language ([RO11]). */
  explanation: RoutingExplanation | null;
  lastScan: ScanFeedback | null;
  /** Whether this till can print the shipping label (its hub has a label printer). */
  labelPrinter: boolean;
};

export type ShortReason = NonNullable<FulfilmentFact['reason']>;

export type FulfilmentDesk = {
  /** [FD1] The store's parcels not yet handed over, the most pressing first. */
  parcels(): Promise<ParcelSummary[]>;
  /** [FD2] Opens a parcel at the desk: its pick list in aisle order. */
  open(shipmentId: string): Promise<Outcome<ParcelDraft>>;
  /** [FD3] A scanned barcode picks one unit of its line in the open parcel. */
  scan(code: string): Promise<Outcome<ParcelDraft>>;
  /** [FD4] An RFID tag read picks one unit of its item, once per tag; null when it names no item. */
  tagRead(read: TagRead): Promise<Outcome<ParcelDraft> | null>;
  /** [FD3] Picks one unit of a line by hand (an item whose code does not scan). */
  pickByHand(line: { orderId: string; lineId: string }): Promise<Outcome<ParcelDraft>>;
  /** [FD5] Reports units of a line the store cannot ship; they are rerouted. */
  short(
    line: { orderId: string; lineId: string },
    quantity: number,
    reason: ShortReason,
  ): Promise<Outcome<ParcelDraft>>;
  /** [FD6] Packs the parcel once nothing is left to pick; the weight in grams is optional. */
  pack(weightGrams?: number): Promise<Outcome<ParcelDraft>>;
  /** [FD7] Prints the packing slip and the shipping label, and records the label step. */
  printLabel(): Promise<Outcome<ParcelDraft>>;
  /** [FD7] Prints the packing slip again. */
  printPackingSlip(): Promise<Outcome<ParcelDraft>>;
  /** [FD8] Hands the parcel to the courier (their name or badge). */
  handOver(courier: string): Promise<Outcome<ParcelDraft>>;
  /**
   * [FD10] Reads the open parcel again after the server changed it (another
   * order merged in, a rerouted line joined, the parcel cancelled), keeping
   * the last scan's answer; nothing when no parcel is open.
   */
  refresh(): Promise<void>;
  close(): void;
};

/**
 * [FD1] [FS6] The parcel as this till knows it: the server's copy with this
 * device's steps it does not reflect yet applied in order; a step the
 * parcel refuses (the server decided otherwise, e.g. it was cancelled) is
 * left out, and the rest still apply.
 */
export function shipmentHere(
  shipment: Shipment,
  facts: readonly FulfilmentFact[],
): { shipment: Shipment; unsynced: number } {
  let current = shipment;
  let unsynced = 0;
  for (const fact of facts) {
    if (shipment.factIds.includes(fact.id)) continue;
    const applied = applyFulfilmentStep(current, fact);
    if (!applied.ok) continue;
    current = applied.shipment;
    unsynced += 1;
  }
  return { shipment: current, unsynced };
}

/** Where a parcel is in its work. */
export function stageOf(shipment: Shipment): ParcelStage {
  if (shipment.status === 'cancelled') return 'cancelled';
  if (shipment.status === 'handed-over') return 'handed-over';
  if (shipment.status === 'packed') return shipment.labelPrints > 0 ? 'handover' : 'label';
  return shipment.lines.some((l) => unitsToPick(l) > 0) ? 'pick' : 'pack';
}

function summaryOf(shipment: Shipment, unsynced: number): ParcelSummary {
  const sum = (f: (l: ShipmentLine) => number) => shipment.lines.reduce((s, l) => s + f(l), 0);
  return {
    shipment,
    stage: stageOf(shipment),
    orderNumbers: shipment.orderIds.map(orderNumber),
    units: sum((l) => l.quantity),
    picked: sum((l) => l.picked),
    short: sum((l) => l.short),
    left: sum(unitsToPick),
    unsynced,
  };
}

/**
 * [FD1] The most pressing first: same-city parcels by the end of their
 * promised window, soonest first, then the others oldest first; ties by id.
 */
export function byUrgency(a: ParcelSummary, b: ParcelSummary): number {
  const end = (p: ParcelSummary) =>
    p.shipment.window ? Date.parse(p.shipment.window.to) : Number.POSITIVE_INFINITY;
  return (
    end(a) - end(b) ||
    a.shipment.createdAt.localeCompare(b.shipment.createdAt) ||
    a.shipment.shipmentId.localeCompare(b.shipment.shipmentId)
  );
}

const REASONS: readonly ShortReason[] = ['not-found', 'damaged', 'rejected'];

export function createFulfilmentDesk(ports: TillPorts): FulfilmentDesk {
  const { replica, config, state } = ports;
  const now = () => ports.clock().toISOString();
  const hasLabelPrinter = () => typeof ports.devices.printLabel === 'function';

  async function here(shipment: Shipment) {
    return shipmentHere(shipment, await replica.fulfilmentFactsHere(shipment.shipmentId));
  }

  async function draftOf(
    shipment: Shipment,
    unsynced: number,
    lastScan: ScanFeedback | null,
  ): Promise<ParcelDraft> {
    return {
      ...summaryOf(shipment, unsynced),
      pickList: pickList(shipment),
      reason: shipment.reason ?? null,
      explanation: shipment.explanation ?? null,
      lastScan,
      labelPrinter: hasLabelPrinter(),
    };
  }

  /** The open parcel, read again: a sync may have changed it since it was shown. */
  async function current(): Promise<
    | { ok: true; shipment: Shipment; unsynced: number; draft: ParcelDraft }
    | { ok: false; refusal: Outcome<ParcelDraft> }
  > {
    const draft = state.get().parcel;
    if (!draft) {
      return {
        ok: false,
        refusal: refuse('FULFILMENT_NO_PARCEL', 'Open a parcel first'),
      };
    }
    const stored = await replica.storeShipment(draft.shipment.shipmentId);
    if (!stored) {
      return { ok: true, shipment: draft.shipment, unsynced: draft.unsynced, draft };
    }
    const known = await here(stored);
    return { ok: true, ...known, draft };
  }

  async function show(
    shipment: Shipment,
    unsynced: number,
    lastScan: ScanFeedback | null,
    notices: Notice[] = [],
  ): Promise<Outcome<ParcelDraft>> {
    const draft = await draftOf(shipment, unsynced, lastScan);
    state.set({ parcel: draft });
    return done(draft, notices);
  }

  // Steps are recorded one at a time, so a burst of tag reads never picks a unit twice.
  let queue: Promise<unknown> = Promise.resolve();
  function serially<T>(work: () => Promise<T>): Promise<T> {
    const result = queue.then(work);
    queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Records one step of the open parcel: checked against the parcel as this
   * till knows it, validated, then through the outbox. Nothing is recorded
   * when the parcel refuses it.
   */
  async function record(
    step: FulfilmentStep,
    fields: Partial<FulfilmentFact>,
    feedback: (after: Shipment) => ScanFeedback | null,
    words: (after: Shipment) => Notice[],
  ): Promise<Outcome<ParcelDraft>> {
    const staff = state.get().staff;
    if (!staff) return refuse('NOT_SIGNED_IN', 'Sign in first');
    const open = await current();
    if (!open.ok) return open.refusal;
    const fact: FulfilmentFact = {
      id: ports.newId(),
      storeId: config.storeId,
      shipmentId: open.shipment.shipmentId,
      step,
      at: now(),
      deviceId: config.deviceId,
      staffId: staff.id,
      ...fields,
    };
    const problems = orderFactProblems('fulfilment', fact);
    if (problems.length) {
      return refuse(
        'FULFILMENT_INVALID',
        `This step cannot be recorded: ${problems[0]!.path} ${problems[0]!.message}`,
      );
    }
    const applied = applyFulfilmentStep(open.shipment, fact);
    if (!applied.ok) return refuse(applied.code, applied.message);
    try {
      await ports.outbox.record('fulfilment', fact);
    } catch (error) {
      return refusalOf(error, 'The step was not recorded');
    }
    return show(applied.shipment, open.unsynced + 1, feedback(applied.shipment), [
      ...words(applied.shipment),
    ]);
  }

  /** [FD3] A scan refused: shown large on the pick list, nothing recorded. */
  async function refuseScan(
    code: string,
    text: string,
    params?: Record<string, string>,
  ): Promise<Outcome<ParcelDraft>> {
    const draft = state.get().parcel;
    if (draft) {
      state.set({
        parcel: { ...draft, lastScan: { ok: false, code, text, ...(params ? { params } : {}) } },
      });
    }
    return refuse(code, text, params ? { params } : {});
  }

  /**
   * Records one unit of `line` picked (`how`: by barcode, tag or hand), and
   * feeds back what is left of the line and of the parcel.
   */
  function recordOnePicked(
    line: ShipmentLine,
    how: Pick<FulfilmentFact, 'by' | 'codes'>,
    code: string,
    sku: string,
  ): Promise<Outcome<ParcelDraft>> {
    return record(
      'pick',
      { lines: [{ orderId: line.orderId, lineId: line.lineId, quantity: 1 }], ...how },
      (after) => {
        const now = after.lines.find(
          (l) => l.orderId === line.orderId && l.lineId === line.lineId,
        )!;
        return {
          ok: true,
          code,
          sku,
          name: line.name,
          left: unitsToPick(now),
          parcelLeft: after.lines.reduce((s, l) => s + unitsToPick(l), 0),
        };
      },
      () => [info(`Picked ${line.name}`, 'PICKED', { name: line.name })],
    );
  }

  /** Picks one unit of the line of `sku` with units left, first in aisle order. */
  async function pickSku(
    sku: string,
    name: string,
    by: 'barcode' | 'rfid',
    code: string,
  ): Promise<Outcome<ParcelDraft>> {
    const open = await current();
    if (!open.ok) return open.refusal;
    const { shipment } = open;
    if (stageOf(shipment) !== 'pick') {
      return refuseScan(
        'PICK_NOTHING_LEFT',
        `Nothing is left to pick in parcel ${shipment.shipmentId}: put ${name} back`,
        { parcel: shipment.shipmentId, name },
      );
    }
    const lines = shipment.lines.filter((l) => l.sku === sku);
    if (lines.length === 0) {
      return refuseScan('PICK_NOT_IN_PARCEL', `${name} is not in this parcel: put it back`, {
        name,
      });
    }
    const line = pickList(shipment).find((l) => l.sku === sku);
    if (!line) {
      const wanted = lines.reduce((s, l) => s + l.quantity - l.short, 0);
      return refuseScan(
        'PICK_ALREADY_ENOUGH',
        `All ${wanted} of ${name} are picked already: put this one back`,
        { name, n: String(wanted) },
      );
    }
    return recordOnePicked(line, { by, codes: [code] }, code, sku);
  }

  async function scan(code: string): Promise<Outcome<ParcelDraft>> {
    const text = code.trim();
    if (!text) return refuseScan('SCAN_EMPTY', 'Nothing was scanned');
    const found = await replica.byBarcode(text);
    if (!found.found) {
      return refuseScan('PICK_UNKNOWN_CODE', `${text} is no product of the catalog`, {
        code: text,
      });
    }
    return pickSku(found.product.id, found.product.name, 'barcode', text);
  }

  /** [FD4] The EPCs already counted in the open parcel's picks (this till's and the server's). */
  async function tagsCounted(shipmentId: string): Promise<Set<string>> {
    const facts = await replica.fulfilmentFactsHere(shipmentId);
    return new Set(facts.filter((f) => f.by === 'rfid').flatMap((f) => f.codes ?? []));
  }

  async function tagRead(read: TagRead): Promise<Outcome<ParcelDraft> | null> {
    if (read.scheme !== 'sgtin-96' || !read.gtin) return null;
    const draft = state.get().parcel;
    if (!draft) return null;
    if ((await tagsCounted(draft.shipment.shipmentId)).has(read.epc)) {
      return done(draft, [info('This tag was counted already', 'PICK_TAG_COUNTED')]);
    }
    const gtin = read.gtin;
    let found = await replica.byBarcode(gtin);
    if (!found.found && gtin.startsWith('0')) found = await replica.byBarcode(gtin.slice(1));
    if (!found.found) {
      return refuseScan('PICK_UNKNOWN_CODE', `${gtin} is no product of the catalog`, {
        code: gtin,
      });
    }
    return pickSku(found.product.id, found.product.name, 'rfid', read.epc);
  }

  async function pickByHand(ref: { orderId: string; lineId: string }) {
    const open = await current();
    if (!open.ok) return open.refusal;
    const line = open.shipment.lines.find(
      (l) => l.orderId === ref.orderId && l.lineId === ref.lineId,
    );
    if (!line) {
      return refuse('SHIPMENT_LINE_UNKNOWN', `This parcel has no line ${ref.lineId}`);
    }
    if (unitsToPick(line) === 0) {
      return refuseScan(
        'PICK_ALREADY_ENOUGH',
        `All ${line.quantity - line.short} of ${line.name} are picked already: put this one back`,
        { name: line.name, n: String(line.quantity - line.short) },
      );
    }
    return recordOnePicked(line, { by: 'manual' }, line.sku, line.sku);
  }

  async function short(
    ref: { orderId: string; lineId: string },
    quantity: number,
    reason: ShortReason,
  ): Promise<Outcome<ParcelDraft>> {
    if (!REASONS.includes(reason)) {
      return refuse('SHORT_REASON', 'Say why the units are not there');
    }
    if (!Number.isInteger(quantity) || quantity < 1) {
      return refuse('SHORT_QUANTITY', 'Short units are a whole number, at least 1');
    }
    const open = await current();
    if (!open.ok) return open.refusal;
    const line = open.shipment.lines.find(
      (l) => l.orderId === ref.orderId && l.lineId === ref.lineId,
    );
    const name = line?.name ?? ref.lineId;
    return record(
      'short',
      { lines: [{ orderId: ref.orderId, lineId: ref.lineId, quantity }], reason },
      () => null,
      (after) => [
        info(
          after.status === 'cancelled'
            ? `${quantity} × ${name} reported short: nothing is left to ship here, the parcel is cancelled and its items go to another store`
            : `${quantity} × ${name} reported short: they go to another store`,
          after.status === 'cancelled' ? 'SHORT_PARCEL_CANCELLED' : 'SHORT_REPORTED',
          { n: String(quantity), name },
        ),
      ],
    );
  }

  async function pack(weightGrams?: number): Promise<Outcome<ParcelDraft>> {
    if (
      weightGrams !== undefined &&
      (!Number.isInteger(weightGrams) || weightGrams < 1 || weightGrams > 1_000_000)
    ) {
      return refuse('PACK_WEIGHT', 'The weight is whole grams, 1 to 1,000,000; or leave it empty');
    }
    return record(
      'pack',
      weightGrams === undefined ? {} : { weightGrams },
      () => null,
      (after) => [
        info(`Parcel ${after.shipmentId} packed`, 'PACKED', { parcel: after.shipmentId }),
      ],
    );
  }

  async function packingSlipOf(shipment: Shipment): Promise<PackingSlip | null> {
    if (!shipment.shipTo) return null;
    const staff = state.get().staff;
    return {
      shipmentId: shipment.shipmentId,
      orderNumbers: shipment.orderIds.map(orderNumber),
      storeName: (await replica.store()).name,
      packedAt: shipment.packedAt ?? now(),
      carrier: shipment.carrier,
      trackingNo: shipment.trackingNo,
      shipTo: shipment.shipTo,
      lines: shipment.lines
        .filter((l) => l.picked > 0 || l.short > 0)
        .map((l) => ({
          sku: l.sku,
          name: l.name,
          quantity: l.picked,
          ...(l.short > 0 ? { short: l.short } : {}),
        })),
      ...(staff ? { staffId: staff.id } : {}),
    };
  }

  async function printSlip(slip: PackingSlip, copy: number): Promise<Notice[]> {
    try {
      const result = await ports.devices.printDocument(
        { kind: 'packing-slip', slip },
        config.receiptColumns,
        {
          language: ports.language(),
          ...(copy > 0 ? { jobId: `packing-slip:${slip.shipmentId}:${copy}` } : {}),
        },
      );
      if (result.printed) return [];
      return [
        {
          tone: 'error',
          text: `Packing slip waiting for the printer: ${result.message}`,
          code: 'PRINT_QUEUED',
          context: 'Packing slip waiting for the printer',
        },
      ];
    } catch (error) {
      return [noticeOf(refusalOf(error, 'Packing slip not printed'))];
    }
  }

  async function printLabel(): Promise<Outcome<ParcelDraft>> {
    const open = await current();
    if (!open.ok) return open.refusal;
    const { shipment } = open;
    if (shipment.status !== 'packed') {
      return refuse('SHIPMENT_NOT_PACKED', `Pack parcel ${shipment.shipmentId} first`, {
        params: { parcel: shipment.shipmentId },
      });
    }
    const printLabelOn = ports.devices.printLabel?.bind(ports.devices);
    if (!printLabelOn) {
      return refuse(
        'NO_LABEL_PRINTER',
        'No label printer: this till cannot print the shipping label. Print it at a till with a label printer',
      );
    }
    const slip = await packingSlipOf(shipment);
    if (!slip || !shipment.shipTo) {
      return refuse(
        'SHIPMENT_NO_ADDRESS',
        `Parcel ${shipment.shipmentId} has no address to print yet: wait for the sync`,
        { params: { parcel: shipment.shipmentId } },
      );
    }
    const store = await replica.store();
    const label: ShippingLabel = {
      shipmentId: shipment.shipmentId,
      carrier: shipment.carrier,
      trackingNo: shipment.trackingNo,
      mode: shipment.mode === 'same-city' ? 'same-city' : 'ship',
      from: { name: store.name, ...(store.address ? { region: store.address } : {}) },
      shipTo: shipment.shipTo,
      orderNumbers: shipment.orderIds.map(orderNumber),
      ...(shipment.weightGrams !== undefined ? { weightGrams: shipment.weightGrams } : {}),
      ...(shipment.window ? { window: shipment.window } : {}),
    };
    const notices = await printSlip(slip, shipment.labelPrints);
    let printed: Awaited<ReturnType<NonNullable<typeof printLabelOn>>>;
    try {
      printed = await printLabelOn(
        label,
        shipment.labelPrints > 0
          ? { jobId: `${shipment.shipmentId}:label-${shipment.labelPrints + 1}` }
          : {},
      );
    } catch (error) {
      return refusalOf(error, 'Label not printed');
    }
    const waiting: Notice[] = printed.printed
      ? []
      : [
          {
            tone: 'error',
            text: `Label waiting for the label printer: ${printed.message}`,
            code: 'LABEL_QUEUED',
            context: 'Label waiting for the label printer',
          },
        ];
    return record(
      'label',
      {},
      () => null,
      () => [
        info(`Label printed: ${shipment.carrier} ${shipment.trackingNo}`, 'LABEL_PRINTED', {
          carrier: shipment.carrier,
          trackingNo: shipment.trackingNo,
        }),
        ...notices,
        ...waiting,
      ],
    );
  }

  async function printPackingSlip(): Promise<Outcome<ParcelDraft>> {
    const open = await current();
    if (!open.ok) return open.refusal;
    const slip = await packingSlipOf(open.shipment);
    if (!slip) {
      return refuse(
        'SHIPMENT_NO_ADDRESS',
        `Parcel ${open.shipment.shipmentId} has no address to print yet: wait for the sync`,
        { params: { parcel: open.shipment.shipmentId } },
      );
    }
    const notices = await printSlip(slip, open.shipment.labelPrints + 1);
    return done(open.draft, notices);
  }

  async function handOver(courier: string): Promise<Outcome<ParcelDraft>> {
    const name = courier.trim();
    if (!name) return refuse('HANDOVER_NO_COURIER', "Type the courier's name or badge");
    if (name.length > 200) {
      return refuse('HANDOVER_NO_COURIER', "The courier's name is at most 200 characters");
    }
    return record(
      'handover',
      { courier: name },
      () => null,
      (after) => [
        info(
          `Parcel ${after.shipmentId} handed to ${name}: ${after.carrier} ${after.trackingNo}`,
          'HANDED_TO_COURIER',
          {
            parcel: after.shipmentId,
            courier: name,
            carrier: after.carrier,
            trackingNo: after.trackingNo,
          },
        ),
      ],
    );
  }

  return {
    async parcels() {
      const stored = await replica.storeShipments();
      const known = await Promise.all(stored.map(here));
      return known
        .map(({ shipment, unsynced }) => summaryOf(shipment, unsynced))
        .filter((p) => p.stage !== 'handed-over' && p.stage !== 'cancelled')
        .sort(byUrgency);
    },
    async open(shipmentId) {
      const stored = await replica.storeShipment(shipmentId);
      if (!stored) {
        return refuse(
          'SHIPMENT_NOT_HERE',
          `Parcel ${shipmentId} is not on this till: wait for the sync`,
          { params: { parcel: shipmentId } },
        );
      }
      const known = await here(stored);
      return show(known.shipment, known.unsynced, null);
    },
    scan: (code) => serially(() => scan(code)),
    tagRead: (read) => serially(() => tagRead(read)),
    pickByHand: (line) => serially(() => pickByHand(line)),
    short: (line, quantity, reason) => serially(() => short(line, quantity, reason)),
    pack: (weight) => serially(() => pack(weight)),
    printLabel: () => serially(printLabel),
    printPackingSlip: () => serially(printPackingSlip),
    handOver: (courier) => serially(() => handOver(courier)),
    refresh: () =>
      serially(async () => {
        const draft = state.get().parcel;
        if (!draft) return;
        const stored = await replica.storeShipment(draft.shipment.shipmentId);
        if (!stored) return;
        const known = await here(stored);
        // The parcel may have been closed at the desk meanwhile.
        if (state.get().parcel?.shipment.shipmentId !== draft.shipment.shipmentId) return;
        await show(known.shipment, known.unsynced, draft.lastScan);
      }),
    close() {
      state.set({ parcel: null });
    },
  };
}
