/**
 * Transfers and deliveries on the clerk's tablet: the store's transfers to
 * act on (the sender picks and ships, the receiver receives), each step
 * confirmed by scanning what is in the boxes: a barcode (GTIN or SKU) or the
 * RFID handheld's reads (each EPC once). Expected against scanned per line,
 * over and under; unknown items and items not on the transfer refused in
 * words. A confirmed step is kept on the tablet at once and sent with its
 * step id as Idempotency-Key; offline it waits and is sent again with the
 * same id. See SPEC.md [CL15]-[CL19].
 */
import {
  looksLikeEpc96,
  type TransferLine,
  type TransferOrder,
  type TransferStep,
  type TransferStepRequest,
} from '@pos/domain';
import type { TransfersServer } from '@pos/replica';
import type { TagRead } from '@pos/hardware/protocol';
import { done, refuse, type Notice, type Outcome } from '../outcome';
import { OFFLINE, whyNotLive } from './answers';
import type { FloorHub } from './fitting';
import { refusalIsFinal } from './orders';
import type { ClerkPorts } from './types';

/** [CL15] The clerk's ports, the server's `/_transfers/` routes and the hub's reader (null: none). */
export type TransferPorts = ClerkPorts & {
  transfers: TransfersServer;
  floor: Pick<FloorHub, 'onTagRead'> | null;
  /** The store's transfers as replication last brought them (storeState), for offline. */
  replicated?: () => Promise<TransferOrder[]>;
};

/** [CL15] A transfer this store has a step of to confirm now. */
export type TransferTask = {
  order: TransferOrder;
  step: TransferStep;
  /** The sender picks (`ready`) and ships (`shipped`); the receiver receives. */
  role: 'send' | 'receive';
};

/** [CL15] The store's transfers: live from the server, or the last list kept, marked. */
export type TransferBoard = {
  state: 'live' | 'stale';
  tasks: TransferTask[];
  /** Transfers of this store with no step for it now (sent, received, cancelled), newest first. */
  others: TransferOrder[];
  reason?: string;
};

/**
 * [CL16] [CL18] A step on the tablet: scanning, waiting to be sent (no
 * network, or no answer), sent (the server's transfer after it), or refused.
 */
export type StepState = 'scanning' | 'waiting' | 'sent' | 'refused';

export type StepOnDevice = {
  /** The step's id: the Idempotency-Key it is sent with, every time. */
  stepId: string;
  transferId: string;
  step: TransferStep;
  /** The transfer as it was when scanning began (its lines and what earlier steps counted). */
  order: TransferOrder;
  staffId: string;
  startedAt: string;
  /** Units scanned per SKU. */
  counts: Record<string, number>;
  /** EPCs read, each once, by SKU. */
  epcs: Record<string, string[]>;
  state: StepState;
  confirmedAt?: string;
  reason?: string;
  code?: string;
  answer?: TransferOrder;
  lastTriedAt?: string;
};

/** [CL17] One line as the screen shows it: expected, scanned, over and under. */
export type StepLine = {
  sku: string;
  name: string;
  expected: number;
  scanned: number;
  over: number;
  under: number;
};

/** [CL2] Where steps and the last list are kept on the device. */
export const TRANSFER_STEP_PREFIX = 'transfer-step:';
const TRANSFER_LIST_KEY = 'transfers:list';
const stepKey = (stepId: string) => `${TRANSFER_STEP_PREFIX}${stepId}`;

/** [CL15] The step this store confirms next on a transfer, or null when it has none now. */
export function nextStep(order: TransferOrder, storeId: string): TransferTask | null {
  if (order.status === 'draft' && order.kind === 'transfer' && order.from === storeId) {
    return { order, step: 'ready', role: 'send' };
  }
  if (order.status === 'ready' && order.from === storeId) {
    return { order, step: 'shipped', role: 'send' };
  }
  if (order.status === 'shipped' && order.to === storeId) {
    return { order, step: 'received', role: 'receive' };
  }
  return null;
}

/** [CL17] What a step expects of a line: picking the asked units, shipping what was picked, receiving what was shipped. */
export function expectedFor(line: TransferLine, step: TransferStep): number {
  if (step === 'ready') return line.quantity;
  if (step === 'shipped') return line.picked ?? line.quantity;
  return line.shipped ?? line.quantity;
}

/** [CL17] Expected against scanned per line, with over and under. */
export function stepLines(step: Pick<StepOnDevice, 'order' | 'step' | 'counts'>): StepLine[] {
  return step.order.lines.map((line) => {
    const expected = expectedFor(line, step.step);
    const scanned = step.counts[line.sku] ?? 0;
    return {
      sku: line.sku,
      name: line.name,
      expected,
      scanned,
      over: Math.max(0, scanned - expected),
      under: Math.max(0, expected - scanned),
    };
  });
}

/** [CL16] The request a step sends: every line of the transfer with its scanned units. */
export function stepRequest(step: StepOnDevice): TransferStepRequest {
  return {
    stepId: step.stepId,
    step: step.step,
    lines: step.order.lines.map((line) => {
      const epcs = step.epcs[line.sku] ?? [];
      return {
        sku: line.sku,
        quantity: step.counts[line.sku] ?? 0,
        ...(epcs.length ? { epcs } : {}),
      };
    }),
    staffId: step.staffId,
    at: step.confirmedAt ?? step.startedAt,
  };
}

export type TransferDesk = {
  /** [CL15] The store's transfers to act on, live or the last list kept. */
  board(): Promise<Outcome<TransferBoard>>;
  /** [CL16] Starts (or resumes) scanning the store's next step of a transfer. */
  start(transferId: string): Promise<Outcome<StepOnDevice>>;
  /** [CL16] A barcode, SKU or EPC scanned: one more unit of its line; refused in words when not on the transfer. */
  scan(stepId: string, code: string): Promise<Outcome<StepOnDevice>>;
  /** [CL16] Sets a line's scanned units by hand (a correction, or a sealed case of known units). */
  setCount(stepId: string, sku: string, units: number): Promise<Outcome<StepOnDevice>>;
  /** [CL16] Gathers the RFID handheld's reads into the step until `stop`; each EPC once. */
  read(
    stepId: string,
    onChange: (step: StepOnDevice, notice?: Notice) => void,
  ): Outcome<{ stop(): Promise<void> }>;
  /** [CL18] Confirms the step: kept at once, then sent; offline it waits. */
  confirm(stepId: string): Promise<Outcome<StepOnDevice>>;
  /** [CL18] The steps on the tablet, newest first. */
  steps(): Promise<StepOnDevice[]>;
  /** [CL18] Sends every waiting step once, with its own id; returns the steps after. */
  flush(): Promise<StepOnDevice[]>;
  /** Drops a step not yet confirmed (its scans are lost: the screen asks first). */
  discard(stepId: string): Promise<Outcome<null>>;
};

export function createTransfers(ports: TransferPorts): TransferDesk {
  let writing: Promise<unknown> = Promise.resolve();
  const keep = (step: StepOnDevice): Promise<void> => {
    const next = writing.then(() => ports.local.set(stepKey(step.stepId), step));
    writing = next.catch(() => {});
    return next;
  };
  const load = (stepId: string) => ports.local.get<StepOnDevice>(stepKey(stepId));
  const storeId = () => ports.config.storeId;
  // Sends run one at a time: a flush and a confirm never send the same step at once.
  let sending: Promise<unknown> = Promise.resolve();

  async function steps(): Promise<StepOnDevice[]> {
    await writing;
    const keys = await ports.local.keys(TRANSFER_STEP_PREFIX);
    const all = await Promise.all(keys.map((k) => ports.local.get<StepOnDevice>(k)));
    return all
      .filter((s): s is StepOnDevice => s !== null)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.stepId.localeCompare(a.stepId));
  }

  /**
   * [CL15] Offline: the last list kept and the replicated transfers, each
   * transfer at the furthest status either has seen; null when neither has any.
   */
  async function lastKnown(): Promise<TransferOrder[] | null> {
    const kept = await ports.local.get<TransferOrder[]>(TRANSFER_LIST_KEY);
    const replicated = ports.replicated ? await ports.replicated().catch(() => []) : [];
    if (kept === null && replicated.length === 0) return null;
    const byId = new Map<string, TransferOrder>();
    for (const order of [...(kept ?? []), ...replicated]) {
      const known = byId.get(order.id);
      if (!known || rank(order) > rank(known)) byId.set(order.id, order);
    }
    return [...byId.values()];
  }

  async function board(): Promise<Outcome<TransferBoard>> {
    const answer = ports.online() ? await ports.transfers.list() : null;
    if (answer?.ok) await ports.local.set(TRANSFER_LIST_KEY, answer.value.transfers);
    const orders = answer?.ok ? answer.value.transfers : await lastKnown();
    if (orders === null) {
      return refuse(OFFLINE, `The store's transfers: ${whyNotLive(answer)}`, {
        context: 'Transfers',
        params: { reason: whyNotLive(answer) },
      });
    }
    // A step sent (or waiting) on this tablet moves its transfer on here too.
    const mine = await steps();
    const current = orders.map((order) => {
      const sent = mine.find((s) => s.transferId === order.id && s.answer);
      return sent?.answer && rank(sent.answer) > rank(order) ? sent.answer : order;
    });
    const tasks: TransferTask[] = [];
    const others: TransferOrder[] = [];
    for (const order of current) {
      const task = nextStep(order, storeId());
      const waiting = mine.some(
        (s) => s.transferId === order.id && s.step === task?.step && s.state === 'waiting',
      );
      if (task && !waiting) tasks.push(task);
      else others.push(order);
    }
    const byNewest = (a: TransferOrder, b: TransferOrder) =>
      b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id);
    tasks.sort((a, b) => byNewest(a.order, b.order));
    others.sort(byNewest);
    const live = answer?.ok === true;
    return done({
      state: live ? 'live' : 'stale',
      tasks,
      others,
      ...(live ? {} : { reason: whyNotLive(answer) }),
    });
  }

  async function start(transferId: string): Promise<Outcome<StepOnDevice>> {
    const staffId = ports.state.get().staff?.id;
    if (!staffId) return refuse('NOT_SIGNED_IN', 'Sign in first');
    const listed = await board();
    if (!listed.ok) return listed;
    const task = listed.value.tasks.find((t) => t.order.id === transferId);
    if (!task) {
      return refuse(
        'TRANSFER_NOTHING_TO_DO',
        `Transfer ${transferId} has no step for this store now`,
        { params: { id: transferId } },
      );
    }
    const open = (await steps()).find(
      (s) => s.transferId === transferId && s.step === task.step && s.state === 'scanning',
    );
    if (open) return done(open);
    const step: StepOnDevice = {
      stepId: ports.newId().toUpperCase(),
      transferId,
      step: task.step,
      order: task.order,
      staffId,
      startedAt: ports.clock().toISOString(),
      counts: {},
      epcs: {},
      state: 'scanning',
    };
    await keep(step);
    return done(step);
  }

  async function scanning(stepId: string): Promise<Outcome<StepOnDevice>> {
    const step = await load(stepId);
    if (!step) return refuse('TRANSFER_STEP_UNKNOWN', `No step ${stepId} on this tablet`);
    if (step.state !== 'scanning') {
      return refuse('TRANSFER_STEP_CONFIRMED', 'This step was confirmed: it cannot change now');
    }
    return done(step);
  }

  /** [CL16] The SKU of a scanned code on this transfer, or a refusal in words. */
  async function skuOf(
    step: StepOnDevice,
    code: string,
  ): Promise<Outcome<{ sku: string; epc: string | null }>> {
    const text = code.trim();
    if (!text) return refuse('SCAN_EMPTY', 'Scan an item or type its barcode');
    const epc = looksLikeEpc96(text) ? text.toUpperCase() : null;
    const lookup = epc
      ? await ports.replica.byEpc(epc)
      : await ports.replica
          .byBarcode(text)
          .then(async (found) => (found.found ? found : ports.replica.bySku(text)));
    if (!lookup.found) {
      return refuse('PRODUCT_UNKNOWN', `${text} is no product this tablet knows`, {
        params: { code: text },
      });
    }
    const sku = lookup.product.id;
    if (!step.order.lines.some((l) => l.sku === sku)) {
      return refuse(
        'TRANSFER_NOT_ON_LIST',
        `${lookup.product.name} (${sku}) is not on transfer ${step.transferId}: put it aside`,
        { params: { name: lookup.product.name, sku, id: step.transferId } },
      );
    }
    return done({ sku, epc });
  }

  /** Adds one scanned unit (an EPC counts once); the same step when the EPC was read already. */
  function withUnit(step: StepOnDevice, sku: string, epc: string | null): StepOnDevice {
    if (epc !== null) {
      if (Object.values(step.epcs).some((list) => list.includes(epc))) return step;
      return {
        ...step,
        counts: { ...step.counts, [sku]: (step.counts[sku] ?? 0) + 1 },
        epcs: { ...step.epcs, [sku]: [...(step.epcs[sku] ?? []), epc] },
      };
    }
    return { ...step, counts: { ...step.counts, [sku]: (step.counts[sku] ?? 0) + 1 } };
  }

  // Scans of one step are applied one after another, over the latest kept state.
  let scanningQueue: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const result = scanningQueue.then(work);
    scanningQueue = result.catch(() => undefined);
    return result;
  };

  function scan(stepId: string, code: string): Promise<Outcome<StepOnDevice>> {
    return serially(async () => {
      const found = await scanning(stepId);
      if (!found.ok) return found;
      const sku = await skuOf(found.value, typeof code === 'string' ? code : '');
      if (!sku.ok) return sku;
      const next = withUnit(found.value, sku.value.sku, sku.value.epc);
      if (next === found.value) {
        return done(next, [
          {
            tone: 'info',
            text: 'This tag was read already: counted once',
            code: 'TRANSFER_EPC_AGAIN',
          },
        ]);
      }
      await keep(next);
      return done(next);
    });
  }

  function setCount(stepId: string, sku: string, units: number): Promise<Outcome<StepOnDevice>> {
    return serially(async () => {
      const found = await scanning(stepId);
      if (!found.ok) return found;
      if (!found.value.order.lines.some((l) => l.sku === sku)) {
        return refuse('TRANSFER_NOT_ON_LIST', `${sku} is not on this transfer`, {
          params: { name: sku, sku, id: found.value.transferId },
        });
      }
      if (!Number.isSafeInteger(units) || units < 0 || units > 1_000_000) {
        return refuse('TRANSFER_COUNT_INVALID', 'A count is a whole number of units, 0 or more');
      }
      const tagged = found.value.epcs[sku]?.length ?? 0;
      if (units < tagged) {
        return refuse(
          'TRANSFER_COUNT_BELOW_TAGS',
          `${tagged} tags of ${sku} were read: the count cannot be lower`,
          { params: { n: String(tagged), sku } },
        );
      }
      const next = { ...found.value, counts: { ...found.value.counts, [sku]: units } };
      await keep(next);
      return done(next);
    });
  }

  function read(
    stepId: string,
    onChange: (step: StepOnDevice, notice?: Notice) => void,
  ): Outcome<{ stop(): Promise<void> }> {
    const onTagRead = ports.floor?.onTagRead;
    if (!onTagRead) return refuse('HUB_NONE', 'No RFID reader reaches this tablet');
    const seen = new Set<string>();
    const unsubscribe = onTagRead((tag: TagRead) => {
      const epc = String(tag.epc ?? '').toUpperCase();
      if (seen.has(epc)) return;
      seen.add(epc);
      void scan(stepId, epc).then((outcome) => {
        if (outcome.ok) onChange(outcome.value);
        else
          void load(stepId).then((step) => {
            if (step)
              onChange(step, {
                tone: 'error',
                text: outcome.message,
                code: outcome.code,
                ...(outcome.params ? { params: outcome.params } : {}),
              });
          });
      });
    });
    return done({
      async stop() {
        unsubscribe();
        await scanningQueue;
      },
    });
  }

  /** [CL18] One try: sent, waiting (no answer, or the server cannot take it now) or refused. */
  async function send(step: StepOnDevice): Promise<StepOnDevice> {
    const at = ports.clock().toISOString();
    if (!ports.online()) {
      return { ...step, state: 'waiting', reason: whyNotLive(null), lastTriedAt: at };
    }
    const answer = await ports.transfers.confirmStep(step.transferId, stepRequest(step));
    const { reason: _r, code: _c, ...rest } = step;
    if (answer.ok) return { ...rest, state: 'sent', answer: answer.value, lastTriedAt: at };
    if (answer.offline || !refusalIsFinal(answer.status)) {
      return { ...rest, state: 'waiting', reason: whyNotLive(answer), lastTriedAt: at };
    }
    return { ...rest, state: 'refused', code: answer.code, reason: answer.reason, lastTriedAt: at };
  }

  function sendOnce(step: StepOnDevice): Promise<StepOnDevice> {
    const result = sending.then(async () => {
      const latest = (await load(step.stepId)) ?? step;
      if (latest.state !== 'waiting') return latest;
      const after = await send(latest);
      await keep(after);
      return after;
    });
    sending = result.catch(() => undefined);
    return result;
  }

  function confirm(stepId: string): Promise<Outcome<StepOnDevice>> {
    return serially(async () => {
      const step = await load(stepId);
      if (!step) return refuse('TRANSFER_STEP_UNKNOWN', `No step ${stepId} on this tablet`);
      if (step.state === 'sent') return done(step);
      if (step.state === 'refused') {
        return refuse(
          step.code ?? 'TRANSFER_REFUSED',
          step.reason ?? 'The server refused the step',
        );
      }
      if (Object.values(step.counts).every((n) => n === 0) && step.step !== 'received') {
        return refuse('TRANSFER_NOTHING_SCANNED', 'Nothing was scanned: scan the items first');
      }
      // Kept before it is sent: a step confirmed is never lost.
      const confirmed: StepOnDevice =
        step.state === 'scanning'
          ? { ...step, state: 'waiting', confirmedAt: ports.clock().toISOString() }
          : step;
      await keep(confirmed);
      const after = await sendOnce(confirmed);
      if (after.state === 'refused') {
        return refuse(after.code ?? 'TRANSFER_REFUSED', after.reason ?? 'The server refused', {
          context: 'Transfer',
        });
      }
      if (after.state === 'waiting') {
        return done(after, [
          {
            tone: 'info',
            text: `The step waits on this tablet and is sent when the network is back: ${after.reason ?? ''}`,
            code: 'TRANSFER_WAITING',
            params: { reason: after.reason ?? '' },
          },
        ]);
      }
      return done(after);
    });
  }

  async function flush(): Promise<StepOnDevice[]> {
    for (const step of await steps()) if (step.state === 'waiting') await sendOnce(step);
    return steps();
  }

  async function discard(stepId: string): Promise<Outcome<null>> {
    return serially(async () => {
      const step = await load(stepId);
      if (step && step.state !== 'scanning' && step.state !== 'refused') {
        return refuse('TRANSFER_STEP_CONFIRMED', 'A confirmed step is kept until it is sent');
      }
      await writing;
      await ports.local.remove(stepKey(stepId));
      return done(null);
    });
  }

  return { board, start, scan, setCount, read, confirm, steps, flush, discard };
}

const RANK: Record<TransferOrder['status'], number> = {
  draft: 0,
  ready: 1,
  shipped: 2,
  received: 3,
  cancelled: 4,
};
const rank = (order: TransferOrder) => RANK[order.status];
