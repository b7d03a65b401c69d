/**
 * Transfers between stores and suppliers' deliveries to a store: the
 * lifecycle draft → ready → shipped → received (or cancelled before it
 * ships), each step confirmed by a scan at the store whose step it is, and
 * the stock movements each step makes. Pure: ids and times come in.
 * See SPEC.md [TF1]-[TF12].
 */
import type {
  TransferLine,
  TransferOrder,
  TransferStatus,
  TransferStep,
  TransferStepRequest,
} from './console-api';
import type { LedgerMovement } from './stock-ledger';
import type { SchemaProblem } from './validate';

/** [TF1] Most lines a transfer has, and most units of a line. */
export const MAX_TRANSFER_LINES = 500;
export const MAX_LINE_UNITS = 1_000_000;

/** A refusal: `conflict` for a step out of order or a reused step id, else `bad_request`/`forbidden`. */
export type TransferRefusal = {
  ok: false;
  code: 'bad_request' | 'forbidden' | 'conflict';
  reason: string;
  /** [TF5] The status the transfer is in, when the step came out of order. */
  status?: TransferStatus;
};

const refuse = (
  code: TransferRefusal['code'],
  reason: string,
  status?: TransferStatus,
): TransferRefusal =>
  status === undefined ? { ok: false, code, reason } : { ok: false, code, reason, status };

/** Whether a domain answer is a refusal. */
export const isRefusal = (value: object): value is TransferRefusal =>
  'ok' in value && (value as { ok: unknown }).ok === false;

const STORE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const SKU = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,63}$/;

const isUnits = (n: unknown, min: number): n is number =>
  typeof n === 'number' && Number.isSafeInteger(n) && n >= min && n <= MAX_LINE_UNITS;

/** [TF1] Problems of a transfer's or a delivery's asked lines: SKUs once each, 1 or more units. */
export function askedLinesProblems(lines: unknown): string[] {
  if (!Array.isArray(lines) || lines.length === 0) return ['lines must be a non-empty list'];
  if (lines.length > MAX_TRANSFER_LINES) return [`at most ${MAX_TRANSFER_LINES} lines`];
  const out: string[] = [];
  const seen = new Set<string>();
  lines.forEach((line: unknown, i) => {
    const l = (line ?? {}) as { sku?: unknown; quantity?: unknown };
    if (typeof l.sku !== 'string' || !SKU.test(l.sku)) out.push(`line ${i + 1}: sku is not a SKU`);
    else if (seen.has(l.sku)) out.push(`line ${i + 1}: ${l.sku} is listed twice`);
    else seen.add(l.sku);
    if (!isUnits(l.quantity, 1)) {
      out.push(`line ${i + 1}: quantity must be a whole number from 1 to ${MAX_LINE_UNITS}`);
    }
  });
  return out;
}

export type NewTransfer = {
  id: string;
  from: string;
  to: string;
  lines: { sku: string; name: string; quantity: number }[];
  reason: string;
  createdAt: string;
  createdBy: string;
};

/** [TF1] A draft transfer between two different stores, or its problems. */
export function draftTransfer(input: NewTransfer): TransferOrder | TransferRefusal {
  const problems = askedLinesProblems(input.lines);
  if (!STORE.test(input.from) || !STORE.test(input.to))
    problems.push('from and to must be store ids');
  else if (input.from === input.to) problems.push('a transfer goes from one store to another');
  if (input.reason.length > 200) problems.push('reason is at most 200 characters');
  if (problems.length) return refuse('bad_request', problems.join('; '));
  return {
    id: input.id,
    kind: 'transfer',
    from: input.from,
    to: input.to,
    status: 'draft',
    lines: input.lines.map((l) => ({ sku: l.sku, name: l.name, quantity: l.quantity })),
    reason: input.reason,
    createdAt: input.createdAt,
    createdBy: input.createdBy,
    steps: [],
  };
}

/**
 * [TF2] A supplier's delivery to a store: created shipped (the supplier
 * shipped what the delivery note says), so the store's only step is to
 * receive it by scan.
 */
export function newDelivery(input: {
  id: string;
  supplier: string;
  to: string;
  lines: { sku: string; name: string; quantity: number }[];
  reference: string;
  createdAt: string;
  createdBy: string;
}): TransferOrder | TransferRefusal {
  const problems = askedLinesProblems(input.lines);
  if (!STORE.test(input.to)) problems.push('to must be a store id');
  if (input.supplier.trim() === '' || input.supplier.length > 100) {
    problems.push('supplier is 1 to 100 characters');
  }
  if (input.reference.length > 200) problems.push('reference is at most 200 characters');
  if (problems.length) return refuse('bad_request', problems.join('; '));
  return {
    id: input.id,
    kind: 'delivery',
    from: input.supplier.trim(),
    to: input.to,
    status: 'shipped',
    lines: input.lines.map((l) => ({
      sku: l.sku,
      name: l.name,
      quantity: l.quantity,
      shipped: l.quantity,
    })),
    reason: input.reference,
    createdAt: input.createdAt,
    createdBy: input.createdBy,
    steps: [],
  };
}

/** [TF3] A transfer is cancelled from draft or ready only (nothing has left the sender). */
export function cancelTransfer(order: TransferOrder): TransferOrder | TransferRefusal {
  if (order.status === 'cancelled') return order;
  if (order.status !== 'draft' && order.status !== 'ready') {
    return refuse(
      'conflict',
      `transfer ${order.id} is ${order.status}: only a draft or ready one is cancelled`,
      order.status,
    );
  }
  return { ...order, status: 'cancelled' };
}

/** [TF4] The status a step needs, and the store whose devices confirm it. */
const STEP_RULES: Record<
  TransferStep,
  { from: TransferStatus; to: TransferStatus; side: 'from' | 'to' }
> = {
  ready: { from: 'draft', to: 'ready', side: 'from' },
  shipped: { from: 'ready', to: 'shipped', side: 'from' },
  received: { from: 'shipped', to: 'received', side: 'to' },
};

/** [TF4] The store whose device confirms `step` of `order`. */
export function stepStore(order: TransferOrder, step: TransferStep): string {
  return order[STEP_RULES[step].side];
}

/** The line field a step's scanned units go into. */
const FIELD: Record<TransferStep, 'picked' | 'shipped' | 'received'> = {
  ready: 'picked',
  shipped: 'shipped',
  received: 'received',
};

export type StepApplied = {
  ok: true;
  order: TransferOrder;
  /** [TF7] The stock movements this step makes (none for a replay). */
  movements: LedgerMovement[];
  /** [TF9] The same step id with the same content again: nothing changes. */
  replay: boolean;
};

/** [TF5] Problems of a step request's shape (before the order is looked at). */
export function stepRequestProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return ['body must be an object'];
  const r = value as Record<string, unknown>;
  const out: string[] = [];
  if (typeof r.stepId !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/.test(r.stepId)) {
    out.push('stepId must be 1 to 100 letters, digits, _ . : -');
  }
  if (r.step !== 'ready' && r.step !== 'shipped' && r.step !== 'received') {
    out.push('step must be ready, shipped or received');
  }
  if (typeof r.staffId !== 'string' || r.staffId.length === 0 || r.staffId.length > 100) {
    out.push('staffId must be 1 to 100 characters');
  }
  if (typeof r.at !== 'string' || r.at.length > 40 || !(Date.parse(r.at) > 0)) {
    out.push('at must be an ISO instant');
  }
  if (!Array.isArray(r.lines) || r.lines.length > MAX_TRANSFER_LINES) {
    out.push(`lines must be a list of at most ${MAX_TRANSFER_LINES}`);
    return out;
  }
  const seen = new Set<string>();
  r.lines.forEach((line: unknown, i) => {
    const l = (line ?? {}) as { sku?: unknown; quantity?: unknown; epcs?: unknown };
    if (typeof l.sku !== 'string' || l.sku.length === 0 || l.sku.length > 64) {
      out.push(`line ${i + 1}: sku must be a SKU`);
    } else if (seen.has(l.sku)) out.push(`line ${i + 1}: ${l.sku} is listed twice`);
    else seen.add(l.sku);
    if (!isUnits(l.quantity, 0)) {
      out.push(`line ${i + 1}: quantity must be a whole number from 0 to ${MAX_LINE_UNITS}`);
    }
    if (
      l.epcs !== undefined &&
      (!Array.isArray(l.epcs) ||
        l.epcs.length > 20_000 ||
        !l.epcs.every((e) => typeof e === 'string' && /^[0-9A-Fa-f]{24}$/.test(e)))
    ) {
      out.push(`line ${i + 1}: epcs must be a list of 24-hex-digit EPCs`);
    }
  });
  return out;
}

/** Whether a recorded step is the same as a request with its id ([TF9]). */
function sameStep(order: TransferOrder, request: TransferStepRequest, deviceId: string): boolean {
  const recorded = order.steps.find((s) => s.stepId === request.stepId);
  if (!recorded) return false;
  if (recorded.step !== request.step || recorded.at !== request.at) return false;
  if (recorded.staffId !== request.staffId || recorded.deviceId !== deviceId) return false;
  const field = FIELD[request.step];
  const asked = new Map(request.lines.map((l) => [l.sku, l.quantity]));
  return order.lines.every((l) => (l[field] ?? 0) === (asked.get(l.sku) ?? 0));
}

/**
 * [TF4]-[TF9] Applies a step a store's device confirmed by scan: the step
 * must be the next one ([TF5], else a conflict naming the status), from a
 * device of the store whose step it is ([TF4]), naming only the order's SKUs
 * with whole, non-negative counts (a SKU not named counts 0). Records the
 * counts on the lines, [TF6] the discrepancy once received, and returns the
 * movements the step makes ([TF7]). [TF9] The same step id again with the
 * same content is a replay that changes nothing; with other content, a conflict.
 */
export function applyStep(
  order: TransferOrder,
  request: TransferStepRequest,
  device: { storeId: string; deviceId: string },
): StepApplied | TransferRefusal {
  const problems = stepRequestProblems(request);
  if (problems.length) return refuse('bad_request', problems.join('; '));
  if (order.steps.some((s) => s.stepId === request.stepId)) {
    return sameStep(order, request, device.deviceId)
      ? { ok: true, order, movements: [], replay: true }
      : refuse('conflict', `step ${request.stepId} was recorded with other content`, order.status);
  }
  const rule = STEP_RULES[request.step];
  if (order.kind === 'delivery' && request.step !== 'received') {
    return refuse('conflict', `a delivery is only received (it is ${order.status})`, order.status);
  }
  if (order[rule.side] !== device.storeId) {
    return refuse(
      'forbidden',
      `the ${request.step} step of ${order.id} is confirmed at ${order[rule.side]}, not ${device.storeId}`,
    );
  }
  if (order.status !== rule.from) {
    return refuse(
      'conflict',
      `${order.id} is ${order.status}: the ${request.step} step needs it ${rule.from}`,
      order.status,
    );
  }
  const known = new Set(order.lines.map((l) => l.sku));
  const unknown = request.lines.filter((l) => !known.has(l.sku)).map((l) => l.sku);
  if (unknown.length) {
    return refuse('bad_request', `not on ${order.id}: ${unknown.join(', ')}`);
  }
  const scanned = new Map(request.lines.map((l) => [l.sku, l]));
  const field = FIELD[request.step];
  const lines: TransferLine[] = order.lines.map((line) => {
    const got = scanned.get(line.sku);
    const next: TransferLine = { ...line, [field]: got?.quantity ?? 0 };
    if (got?.epcs?.length) next.epcs = got.epcs.map((e) => e.toUpperCase());
    else delete next.epcs;
    if (request.step === 'received') next.discrepancy = next.received! - (line.shipped ?? 0);
    return next;
  });
  const next: TransferOrder = {
    ...order,
    status: rule.to,
    lines,
    steps: [
      ...order.steps,
      {
        step: request.step,
        at: request.at,
        staffId: request.staffId,
        deviceId: device.deviceId,
        stepId: request.stepId,
      },
    ],
  };
  return { ok: true, order: next, movements: stepMovements(next, request.step), replay: false };
}

/**
 * [TF7] The stock movements a recorded step made, with ids
 * `${transferId}:${step}:${sku}` so a replay counts once ([SL3]): shipping
 * takes the shipped units out of the sender (`transfer-out`); receiving puts
 * the received units in at the receiver (`transfer-in`; a delivery's are
 * `receive`). Lines of 0 units move nothing; `ready` moves nothing.
 */
export function stepMovements(order: TransferOrder, step: TransferStep): LedgerMovement[] {
  if (step === 'ready') return [];
  const at = order.steps.find((s) => s.step === step)?.at;
  if (at === undefined) return [];
  const out: LedgerMovement[] = [];
  for (const line of order.lines) {
    const quantity = step === 'shipped' ? (line.shipped ?? 0) : (line.received ?? 0);
    if (quantity <= 0) continue;
    const base = {
      id: `${order.id}:${step}:${line.sku}`,
      sku: line.sku,
      quantity,
      at,
      factId: order.id,
    };
    if (step === 'shipped') {
      out.push({ ...base, location: order.from, kind: 'transfer-out', counterpart: order.to });
    } else if (order.kind === 'delivery') {
      out.push({ ...base, location: order.to, kind: 'receive' });
    } else {
      out.push({ ...base, location: order.to, kind: 'transfer-in', counterpart: order.from });
    }
  }
  return out;
}

/** [TF6] The lines that arrived short or over: received − shipped ≠ 0. */
export function discrepancies(
  order: TransferOrder,
): { sku: string; shipped: number; received: number; discrepancy: number }[] {
  if (order.status !== 'received') return [];
  return order.lines
    .filter((l) => (l.discrepancy ?? 0) !== 0)
    .map((l) => ({
      sku: l.sku,
      shipped: l.shipped ?? 0,
      received: l.received ?? 0,
      discrepancy: l.discrepancy ?? 0,
    }));
}

/** [TF10] The stores whose devices see a transfer (a delivery's supplier is no store). */
export function transferStores(order: TransferOrder): string[] {
  return order.kind === 'delivery' ? [order.to] : [order.from, order.to];
}

/** [TF10] The storeState document of kind `transfer` a store holds of a transfer. */
export type StoreTransferDoc = {
  id: string;
  kind: 'transfer';
  storeId: string;
  transfer: TransferOrder;
  updatedAt: string;
};

export const storeTransferDocId = (transferId: string, storeId: string): string =>
  `transfer:${transferId}:${storeId}`;

/** [TF10] A store's copy of a transfer, as it flows down. */
export function storeTransferDoc(
  order: TransferOrder,
  storeId: string,
  updatedAt: string,
): StoreTransferDoc {
  return {
    id: storeTransferDocId(order.id, storeId),
    kind: 'transfer',
    storeId,
    transfer: order,
    updatedAt,
  };
}

/** [TF10] Problems of a storeState `transfer` document. */
export function storeTransferProblems(value: unknown): SchemaProblem[] {
  const doc = value as Partial<StoreTransferDoc>;
  const t = doc.transfer as Partial<TransferOrder> | undefined;
  const out: string[] = [];
  if (typeof doc.storeId !== 'string' || typeof doc.updatedAt !== 'string')
    out.push('storeId and updatedAt are strings');
  if (typeof t !== 'object' || t === null || typeof t.id !== 'string' || !Array.isArray(t.lines)) {
    out.push('transfer must be a transfer order');
  } else {
    if (doc.id !== storeTransferDocId(t.id, String(doc.storeId))) {
      out.push(`id must be ${storeTransferDocId(t.id, String(doc.storeId))}`);
    }
    if (t.to !== doc.storeId && t.from !== doc.storeId)
      out.push('the store is neither sender nor receiver');
  }
  return out.map((message) => ({ path: '$', message }));
}
