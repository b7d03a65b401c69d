/**
 * Item-level stock: every tagged garment is an EPC (SGTIN-96, with its
 * serial) with a state at a store. The server keeps the states; a till holds
 * each SKU's sold and sellable EPCs (storeState kind `items`) so it refuses
 * a sold EPC offline. Counts compare what readers saw with what is expected.
 * Pure. See SPEC.md [IT1]-[IT9].
 */
import { fail, type Result } from './errors';
import { id, time } from './schema-fields';
import { decodeSgtin96 } from './sgtin';
import { validateAgainstSchema, type SchemaProblem } from './validate';

/** [IT1] Where an item is, as far as the chain knows. */
export const ITEM_STATES = [
  'in-stock',
  'fitting-room',
  'sold',
  'returned',
  'in-transit',
  'missing',
] as const;
export type ItemState = (typeof ITEM_STATES)[number];

/** [IT1] The states in which an item is in the store and may be sold. */
export const SELLABLE_ITEM_STATES: readonly ItemState[] = ['in-stock', 'fitting-room', 'returned'];

/** [IT2] What happens to an item. */
export type ItemEvent =
  | 'tagged'
  | 'enter-fitting-room'
  | 'leave-fitting-room'
  | 'sell'
  | 'return'
  | 'ship-out'
  | 'receive'
  | 'count-missing'
  | 'count-found';

/** One tagged item as the server holds it. */
export type ItemRecord = {
  /** The EPC, 24 upper-case hex digits. */
  epc: string;
  storeId: string;
  sku: string;
  gtin: string;
  serial: string;
  state: ItemState;
  /** The sale that sold it, while sold. */
  saleId?: string;
  updatedAt: string;
};

/**
 * [IT4] The storeState document of kind `items` (id `items:<storeId>:<sku>`):
 * one SKU's EPCs at the store, the sellable ones and the sold ones, so a till
 * refuses a sold EPC offline and knows a tag's SKU without a lookup.
 */
export type StoreItemsDoc = {
  id: string;
  kind: 'items';
  storeId: string;
  sku: string;
  gtin: string;
  /** EPCs in a sellable state ([IT1]), sorted. */
  sellable: string[];
  /** EPCs sold and not returned, sorted. */
  sold: string[];
  updatedAt: string;
};

const epcList = {
  type: 'array',
  maxItems: 20_000,
  items: { type: 'string', pattern: '^[0-9A-F]{24}$', maxLength: 24 },
} as const;

const STORE_ITEMS_SCHEMA = {
  type: 'object',
  properties: {
    id,
    kind: { type: 'string', enum: ['items'] },
    storeId: id,
    sku: id,
    gtin: { type: 'string', pattern: '^\\d{14}$', maxLength: 14 },
    sellable: epcList,
    sold: epcList,
    updatedAt: time,
  },
  required: ['id', 'kind', 'storeId', 'sku', 'gtin', 'sellable', 'sold', 'updatedAt'],
  additionalProperties: false,
} as const;

/** [IT4] The id of a store's `items` document for a SKU. */
export const storeItemsDocId = (storeId: string, sku: string): string => `items:${storeId}:${sku}`;

/** [IT4] Problems of a storeState `items` document. */
export function storeItemsProblems(value: unknown): SchemaProblem[] {
  const problems = validateAgainstSchema(STORE_ITEMS_SCHEMA, value);
  if (problems.length) return problems;
  const doc = value as StoreItemsDoc;
  if (doc.id !== storeItemsDocId(doc.storeId, doc.sku)) {
    return [{ path: '$.id', message: `must be ${storeItemsDocId(doc.storeId, doc.sku)}` }];
  }
  return [];
}

/** [IT6] What a count compares: a zone's or the whole store's read. */
export type CountScope =
  /** Every item expected in the store. */
  | { kind: 'store' }
  /** A zone's or a shelf's read: the items expected of the SKUs it read. */
  | { kind: 'skus-read'; zone?: string };

/** One expected item of a count. */
export type ExpectedItem = { epc: string; sku: string };

/** [IT7] An EPC read that was not expected: a known SKU (in another state or store) or not ours. */
export type UnexpectedItem = {
  epc: string;
  /** The SKU its GTIN names, when the chain sells it. */
  sku: string | null;
  reason: 'not-expected' | 'unknown-gtin' | 'not-sgtin';
};

/** [IT8] One SKU's line of a count. */
export type CountSkuLine = {
  sku: string;
  expected: number;
  found: number;
  missing: number;
  unexpected: number;
  /** found + unexpected: the units the count saw. */
  counted: number;
  /** found ÷ expected in basis points (10,000 when nothing was expected and nothing seen). */
  accuracyBp: number;
};

/** [IT7] [IT8] A count's outcome. */
export type CountResult = {
  scope: CountScope;
  found: ExpectedItem[];
  missing: ExpectedItem[];
  unexpected: UnexpectedItem[];
  /** By SKU, sorted by SKU. */
  bySku: CountSkuLine[];
  /** [IT8] Units: found ÷ expected, in basis points. */
  unitAccuracyBp: number;
  /** [IT8] SKUs: the share whose counted units equal the expected, in basis points. */
  skuAccuracyBp: number;
};

/** [IT9] One SKU's stock adjustment from an approved count: counted less the ledger's on hand. */
export type CountAdjustment = { sku: string; onHand: number; counted: number; delta: number };

/** [IT2] Why a transition was refused. */
export type ItemTransitionCode = 'ITEM_TRANSITION_REFUSED';

const SELLABLE = new Set<ItemState>(SELLABLE_ITEM_STATES);

/** [IT1] Whether an item in `state` is in the store and may be sold. */
export const isSellable = (state: ItemState | undefined): boolean =>
  state !== undefined && SELLABLE.has(state);

/** [IT2] The state each event leads to, from the states it may happen in (`undefined`: an unknown item). */
const TRANSITIONS: Record<
  ItemEvent,
  { from: (s: ItemState | undefined) => boolean; to: ItemState }
> = {
  tagged: { from: (s) => s === undefined, to: 'in-stock' },
  'enter-fitting-room': { from: (s) => s === 'in-stock' || s === 'returned', to: 'fitting-room' },
  'leave-fitting-room': { from: (s) => s === 'fitting-room', to: 'in-stock' },
  sell: { from: isSellable, to: 'sold' },
  return: { from: (s) => s === 'sold', to: 'returned' },
  'ship-out': { from: isSellable, to: 'in-transit' },
  receive: { from: (s) => s === undefined || s === 'in-transit', to: 'in-stock' },
  'count-missing': { from: isSellable, to: 'missing' },
  'count-found': { from: (s) => s === undefined || s === 'missing', to: 'in-stock' },
};

/**
 * [IT2] The state an item is in after `event`, from `state` (undefined: the
 * chain does not know the item yet). A transition the rules do not allow is
 * refused with the state it is in. Never throws.
 */
export function nextItemState(
  state: ItemState | undefined,
  event: ItemEvent,
): Result<{ state: ItemState }, ItemTransitionCode> {
  const rule = Object.hasOwn(TRANSITIONS, event) ? TRANSITIONS[event] : undefined;
  if (!rule) return fail('ITEM_TRANSITION_REFUSED', `${String(event)} is not an item event`);
  if (state !== undefined && !ITEM_STATES.includes(state)) {
    return fail('ITEM_TRANSITION_REFUSED', `${String(state)} is not an item state`);
  }
  if (!rule.from(state)) {
    return fail(
      'ITEM_TRANSITION_REFUSED',
      `an item ${state === undefined ? 'not known' : state} cannot ${event}`,
    );
  }
  return { ok: true, state: rule.to };
}

/** [IT3] Why an EPC names no item of the chain. */
export type ItemOfEpcCode = 'EPC_NOT_SGTIN96' | 'EPC_UNKNOWN_GTIN';

/**
 * [IT3] The SKU, GTIN and serial an EPC names: the product whose GTIN its
 * SGTIN-96 carries. Not SGTIN-96, or a GTIN no product has, is refused with
 * the reason. Never throws.
 */
export function itemOfEpc(
  epc: string,
  skuOfGtin: (gtin: string) => string | undefined,
): Result<{ epc: string; sku: string; gtin: string; serial: string }, ItemOfEpcCode> {
  const decoded = decodeSgtin96(epc);
  if (!decoded.ok) return decoded;
  const sku = skuOfGtin(decoded.gtin);
  if (sku === undefined) {
    return fail('EPC_UNKNOWN_GTIN', `GTIN ${decoded.gtin} is not a product of the chain`);
  }
  return { ok: true, epc: decoded.epc, sku, gtin: decoded.gtin, serial: decoded.serial };
}

/** [IT5] What a fold did to one EPC: its record after, or why it was left. */
export type ItemChange = {
  epc: string;
  before: ItemRecord | undefined;
  after: ItemRecord;
};

/** [IT5] An EPC a sale names that was sold already: it keeps its first sale. */
export type SoldTwice = { epc: string; soldBy: string | undefined };

/** [IT5] One RFID line of a sale: its SKU and GTIN, and its EPCs. */
export type EpcLine = { sku: string; gtin: string; epcs?: readonly string[] };

function itemRecord(
  epc: string,
  line: { sku: string; gtin: string },
  storeId: string,
  state: ItemState,
  at: string,
  saleId?: string,
): ItemRecord {
  const decoded = decodeSgtin96(epc);
  return {
    epc,
    storeId,
    sku: line.sku,
    gtin: line.gtin,
    serial: decoded.ok ? decoded.serial : '',
    state,
    ...(saleId === undefined ? {} : { saleId }),
    updatedAt: at,
  };
}

/**
 * [IT5] A sale's EPCs marked sold at its store, as a pure fold over the items
 * known (`items` by EPC). An EPC sold already keeps its first sale and is
 * reported; one the chain does not know, or holds missing or in transit, is
 * the sale's item and is sold (the till saw it). Replaying the sale changes
 * nothing: its EPCs are sold by it already.
 */
export function applySaleToItems(
  items: ReadonlyMap<string, ItemRecord>,
  sale: { id: string; storeId: string; soldAt: string; lines: readonly EpcLine[] },
  at: string,
): { changes: ItemChange[]; soldTwice: SoldTwice[] } {
  const changes: ItemChange[] = [];
  const soldTwice: SoldTwice[] = [];
  const seen = new Set<string>();
  for (const line of sale.lines) {
    for (const raw of line.epcs ?? []) {
      const epc = raw.toUpperCase();
      if (seen.has(epc)) continue;
      seen.add(epc);
      const before = items.get(epc);
      if (before?.state === 'sold') {
        if (before.saleId !== sale.id) soldTwice.push({ epc, soldBy: before.saleId });
        continue;
      }
      const after: ItemRecord = before
        ? { ...before, storeId: sale.storeId, state: 'sold', saleId: sale.id, updatedAt: at }
        : itemRecord(epc, line, sale.storeId, 'sold', at, sale.id);
      changes.push({ epc, before, after });
    }
  }
  return { changes, soldTwice };
}

/**
 * [IT5] A return's EPCs back in the returning store (returned, sellable), as
 * a pure fold: a sold EPC is returned; one the chain does not know is the
 * return's item, returned; any other is left as it is (replaying the return
 * changes nothing).
 */
export function applyReturnToItems(
  items: ReadonlyMap<string, ItemRecord>,
  ret: {
    storeId: string;
    lines: readonly { sku: string; gtin?: string; epcs?: readonly string[] }[];
  },
  at: string,
): ItemChange[] {
  const changes: ItemChange[] = [];
  const seen = new Set<string>();
  for (const line of ret.lines) {
    for (const raw of line.epcs ?? []) {
      const epc = raw.toUpperCase();
      if (seen.has(epc)) continue;
      seen.add(epc);
      const before = items.get(epc);
      const next = nextItemState(before?.state, 'return');
      if (before && next.ok) {
        const { saleId: _sold, ...rest } = before;
        changes.push({
          epc,
          before,
          after: { ...rest, storeId: ret.storeId, state: next.state, updatedAt: at },
        });
      } else if (!before) {
        const decoded = decodeSgtin96(epc);
        const gtin = line.gtin ?? (decoded.ok ? decoded.gtin : '');
        changes.push({
          epc,
          before,
          after: itemRecord(epc, { sku: line.sku, gtin }, ret.storeId, 'returned', at),
        });
      }
    }
  }
  return changes;
}

/**
 * [IT4] A store's `items` document for a SKU after `changes`: each changed
 * EPC of the SKU at the store leaves both lists and joins the one its new
 * state names (sellable, sold, or neither); the lists stay sorted and
 * unique. `current` is the document as it is, or undefined.
 */
export function storeItemsDoc(
  current: StoreItemsDoc | undefined,
  key: { storeId: string; sku: string; gtin: string },
  changes: readonly ItemChange[],
  at: string,
): StoreItemsDoc {
  const sellable = new Set(current?.sellable ?? []);
  const sold = new Set(current?.sold ?? []);
  const here = (r: ItemRecord | undefined) =>
    r !== undefined && r.storeId === key.storeId && r.sku === key.sku;
  for (const change of changes) {
    if (!here(change.before) && !here(change.after)) continue;
    sellable.delete(change.epc);
    sold.delete(change.epc);
    if (!here(change.after)) continue;
    if (isSellable(change.after.state)) sellable.add(change.epc);
    else if (change.after.state === 'sold') sold.add(change.epc);
  }
  return {
    id: storeItemsDocId(key.storeId, key.sku),
    kind: 'items',
    storeId: key.storeId,
    sku: key.sku,
    gtin: current?.gtin ?? key.gtin,
    sellable: [...sellable].sort(),
    sold: [...sold].sort(),
    updatedAt: at,
  };
}

/** [IT4] The store and SKU pairs `changes` touch, each once with its GTIN: the `items` documents to rewrite. */
export function touchedItemDocs(
  changes: readonly ItemChange[],
): { storeId: string; sku: string; gtin: string }[] {
  const out = new Map<string, { storeId: string; sku: string; gtin: string }>();
  for (const { before, after } of changes) {
    for (const r of [before, after]) {
      if (!r) continue;
      const id = storeItemsDocId(r.storeId, r.sku);
      if (!out.has(id)) out.set(id, { storeId: r.storeId, sku: r.sku, gtin: r.gtin });
    }
  }
  return [...out.values()];
}

/** Basis points of `part` in `whole`; 10,000 when the whole is 0 and so is the part. */
function basisPoints(part: number, whole: number): number {
  if (whole === 0) return part === 0 ? 10_000 : 0;
  return Math.floor((part * 10_000) / whole);
}

/**
 * [IT6] [IT7] [IT8] A count: each expected EPC is found or missing; each EPC
 * read and not expected is unexpected, with its SKU when its GTIN names a
 * product (else `unknown-gtin`, or `not-sgtin`). Repeats in the read count
 * once. For a `skus-read` scope only the expected items of the SKUs the read
 * names are expected. Accuracy by unit and by SKU in basis points.
 */
export function compareCount(
  expected: readonly ExpectedItem[],
  readEpcs: readonly string[],
  skuOfGtin: (gtin: string) => string | undefined,
  scope: CountScope,
): CountResult {
  const read = new Set(readEpcs.map((e) => e.trim().toUpperCase()));
  const unexpected: UnexpectedItem[] = [];
  const skuOfRead = new Map<string, string | null>();
  for (const epc of read) {
    const item = itemOfEpc(epc, skuOfGtin);
    skuOfRead.set(epc, item.ok ? item.sku : null);
  }
  const readSkus = new Set([...skuOfRead.values()].filter((s): s is string => s !== null));
  const inScope =
    scope.kind === 'store' ? expected : expected.filter((item) => readSkus.has(item.sku));
  const expectedByEpc = new Map<string, ExpectedItem>();
  for (const item of inScope) {
    const epc = item.epc.toUpperCase();
    if (!expectedByEpc.has(epc)) expectedByEpc.set(epc, { epc, sku: item.sku });
  }
  const found: ExpectedItem[] = [];
  const missing: ExpectedItem[] = [];
  for (const item of expectedByEpc.values()) (read.has(item.epc) ? found : missing).push(item);
  for (const epc of read) {
    if (expectedByEpc.has(epc)) continue;
    const item = itemOfEpc(epc, skuOfGtin);
    unexpected.push(
      item.ok
        ? { epc, sku: item.sku, reason: 'not-expected' }
        : {
            epc,
            sku: null,
            reason: item.code === 'EPC_NOT_SGTIN96' ? 'not-sgtin' : 'unknown-gtin',
          },
    );
  }
  const lines = new Map<string, CountSkuLine>();
  const line = (sku: string) => {
    let l = lines.get(sku);
    if (!l) {
      l = { sku, expected: 0, found: 0, missing: 0, unexpected: 0, counted: 0, accuracyBp: 0 };
      lines.set(sku, l);
    }
    return l;
  };
  for (const item of found) line(item.sku).found++;
  for (const item of missing) line(item.sku).missing++;
  for (const item of unexpected) if (item.sku !== null) line(item.sku).unexpected++;
  const bySku = [...lines.values()]
    .map((l) => {
      const expectedUnits = l.found + l.missing;
      return {
        ...l,
        expected: expectedUnits,
        counted: l.found + l.unexpected,
        accuracyBp: basisPoints(l.found, expectedUnits),
      };
    })
    .sort((a, b) => (a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0));
  const byEpc = (a: { epc: string }, b: { epc: string }) =>
    a.epc < b.epc ? -1 : a.epc > b.epc ? 1 : 0;
  const exact = bySku.filter((l) => l.counted === l.expected).length;
  return {
    scope,
    found: found.sort(byEpc),
    missing: missing.sort(byEpc),
    unexpected: unexpected.sort(byEpc),
    bySku,
    unitAccuracyBp: basisPoints(found.length, expectedByEpc.size),
    skuAccuracyBp: bySku.length === 0 ? 10_000 : basisPoints(exact, bySku.length),
  };
}

/**
 * [IT9] What approving a count adjusts: each SKU of its result by counted
 * less the ledger's on hand (missing on hand is 0), none when equal. The
 * deltas sum to the counted units less the on hand of those SKUs.
 */
export function countAdjustments(
  result: Pick<CountResult, 'bySku'>,
  onHandBySku: ReadonlyMap<string, number> | Readonly<Record<string, number>>,
): CountAdjustment[] {
  const onHandOf = (sku: string): number =>
    onHandBySku instanceof Map
      ? (onHandBySku.get(sku) ?? 0)
      : Object.hasOwn(onHandBySku, sku)
        ? ((onHandBySku as Record<string, number>)[sku] ?? 0)
        : 0;
  return result.bySku.flatMap((line) => {
    const onHand = onHandOf(line.sku);
    const delta = line.counted - onHand;
    return delta === 0 ? [] : [{ sku: line.sku, onHand, counted: line.counted, delta }];
  });
}
