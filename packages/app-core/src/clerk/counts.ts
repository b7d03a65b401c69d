/**
 * Counts on the clerk's tablet: the whole store or a zone as the fixed
 * readers place its tags now, or a handheld read gathering every tag read
 * while the clerk holds "reading" ([FM6]); sent with the count's id as
 * Idempotency-Key, or waiting on the device with its reads ([FM7]); the
 * server's comparison, by SKU and by unit ([FM8]); approval by a
 * supervisor's PIN ([FM9]). See SPEC.md [FM6]-[FM9].
 */
import type { CountAnswer, CountResult, CountScope, CountSkuLine } from '@pos/domain';
import type { TagRead } from '@pos/hardware/protocol';
import { done, errorCode, errorText, refuse, type Notice, type Outcome } from '../outcome';
import { OFFLINE, whyNotLive } from './answers';
import { supervisorApprover } from './commission';
import { createItemLabels, type ItemLabel } from './fitting-products';
import type { FittingPorts } from './fitting';
import { refusalIsFinal } from './orders';

/** [FM6] Where a count's reads come from. */
export type CountSource =
  /** Every tag the fixed readers place in the store now. */
  | { kind: 'store' }
  /** The tags the fixed readers place in one zone now. */
  | { kind: 'zone'; zone: string }
  /** A handheld read: the tags read while the clerk holds "reading"; `wholeStore` compares with the whole store. */
  | { kind: 'handheld'; wholeStore?: boolean };

/**
 * [FM6] [FM7] A count on the device: reading (handheld), ready to send,
 * waiting for the network, refused by the server (kept with its reads),
 * compared (the server's draft), or approved.
 */
export type CountState = 'reading' | 'ready' | 'waiting' | 'refused' | 'compared' | 'approved';

export type CountOnDevice = {
  countId: string;
  source: CountSource;
  scope: CountScope;
  staffId: string;
  startedAt: string;
  /** EPCs read, each once, in the order first read. */
  epcs: string[];
  /** Reads that were no 96-bit EPC (another tag type): not sent. */
  ignored: number;
  state: CountState;
  /** Waiting or refused: why; refused: the server's code. */
  reason?: string;
  code?: string;
  answer?: CountAnswer;
  approvedBy?: string;
  lastTriedAt?: string;
};

/** [FM8] A count's SKU line with its product named. */
export type CountLine = CountSkuLine & { item: ItemLabel };

/** [FM8] A compared count as the screen shows it. */
export type CountReport = {
  result: CountResult;
  lines: CountLine[];
  /** Adjustments approving it would make (or made), by SKU. */
  adjustments: CountAnswer['adjustments'];
};

export type CountDesk = {
  /** [FM6] The zones the fixed readers place tags in now, to choose one to count. */
  zones(): Promise<Outcome<string[]>>;
  /** [FM6] Starts a count: reads the fixed readers now, or opens a handheld read. */
  start(source: CountSource): Promise<Outcome<CountOnDevice>>;
  /**
   * [FM6] Gathers the hub's tag reads into a handheld count until `stop`;
   * each new EPC is kept on the device at once. `onChange` is told each.
   */
  read(
    countId: string,
    onChange: (count: CountOnDevice) => void,
  ): Promise<Outcome<{ stop(): Promise<CountOnDevice> }>>;
  /** [FM7] Sends the count (same id, same answer); offline it waits with its reads. */
  submit(countId: string): Promise<Outcome<CountOnDevice>>;
  /** [FM8] A compared count's lines with their products. */
  report(count: CountOnDevice): Promise<CountReport | null>;
  /** [FM9] A supervisor's or manager's approval, by their id and PIN on the tablet; online only. */
  approve(
    countId: string,
    approval: { supervisorId: string; pin: string },
  ): Promise<Outcome<CountOnDevice>>;
  /** [FM7] The counts on the device, newest first. */
  counts(): Promise<CountOnDevice[]>;
  /** [FM7] Sends every waiting count once; returns the counts after. */
  flush(): Promise<CountOnDevice[]>;
  /** Removes a count from the device (one not yet compared loses its reads: the screen asks first). */
  discard(countId: string): Promise<void>;
};

/** [CL2] Where a count is kept on the device. */
export const COUNT_KEY_PREFIX = 'count:';
const countKey = (countId: string) => `${COUNT_KEY_PREFIX}${countId}`;

const EPC96 = /^[0-9A-F]{24}$/;

/** [FM6] The scope the server compares with, for a source. */
export function scopeOf(source: CountSource): CountScope {
  if (source.kind === 'store') return { kind: 'store' };
  if (source.kind === 'zone') return { kind: 'skus-read', zone: source.zone };
  return source.wholeStore ? { kind: 'store' } : { kind: 'skus-read' };
}

/** [FM6] Adds reads to a count: 96-bit EPCs in upper case, each once; the rest counted as ignored. */
export function withReads(count: CountOnDevice, epcs: Iterable<string>): CountOnDevice {
  const seen = new Set(count.epcs);
  const added: string[] = [];
  let ignored = 0;
  for (const raw of epcs) {
    const epc = typeof raw === 'string' ? raw.trim().toUpperCase() : '';
    if (!EPC96.test(epc)) ignored += 1;
    else if (!seen.has(epc)) {
      seen.add(epc);
      added.push(epc);
    }
  }
  if (added.length === 0 && ignored === 0) return count;
  return { ...count, epcs: [...count.epcs, ...added], ignored: count.ignored + ignored };
}

export function createCounts(ports: FittingPorts): CountDesk {
  const labels = createItemLabels(ports.replica);
  // One write at a time, in order: a later state never lands before an earlier one.
  let writing: Promise<unknown> = Promise.resolve();
  const keep = (count: CountOnDevice): Promise<void> => {
    const next = writing.then(() => ports.local.set(countKey(count.countId), count));
    writing = next.catch(() => {});
    return next;
  };
  const load = (countId: string) => ports.local.get<CountOnDevice>(countKey(countId));
  const reading = new Map<string, { stop(): Promise<CountOnDevice> }>();

  /** [FM9] A supervisor or manager of this store approves by their own PIN. */
  const approver = supervisorApprover(ports);

  async function zones(): Promise<Outcome<string[]>> {
    if (!ports.floor) return refuse('HUB_NONE', 'This tablet has no store hub');
    const zoneTags = ports.floor.zoneTags;
    if (!zoneTags)
      return refuse('HUB_NO_ZONES', 'The store hub runs no zone engine (update the hub)');
    try {
      return done([...new Set((await zoneTags()).map((t) => t.zone))].sort());
    } catch (error) {
      return refuse(errorCode(error) ?? 'HUB_FAILED', errorText(error), { context: 'Count' });
    }
  }

  async function start(source: CountSource): Promise<Outcome<CountOnDevice>> {
    const staffId = ports.state.get().staff?.id;
    if (!staffId) return refuse('NOT_SIGNED_IN', 'Sign in first');
    if (source.kind === 'zone' && !source.zone?.trim()) {
      return refuse('COUNT_ZONE_MISSING', 'Choose the zone to count');
    }
    let count: CountOnDevice = {
      countId: ports.newId().toUpperCase(),
      source,
      scope: scopeOf(source),
      staffId,
      startedAt: ports.clock().toISOString(),
      epcs: [],
      ignored: 0,
      state: source.kind === 'handheld' ? 'reading' : 'ready',
    };
    if (source.kind === 'handheld') {
      if (!ports.floor?.onTagRead) return refuse('HUB_NONE', 'No RFID reader reaches this tablet');
    } else {
      const zoneTags = ports.floor?.zoneTags;
      if (!ports.floor) return refuse('HUB_NONE', 'This tablet has no store hub');
      if (!zoneTags) {
        return refuse('HUB_NO_ZONES', 'The store hub runs no zone engine (update the hub)');
      }
      try {
        const tags = await zoneTags(source.kind === 'zone' ? source.zone : undefined);
        count = withReads(
          count,
          tags.map((t) => t.epc),
        );
      } catch (error) {
        return refuse(errorCode(error) ?? 'HUB_FAILED', errorText(error), {
          context: 'Count',
        });
      }
    }
    await keep(count);
    return done(count);
  }

  async function read(
    countId: string,
    onChange: (count: CountOnDevice) => void,
  ): Promise<Outcome<{ stop(): Promise<CountOnDevice> }>> {
    const already = reading.get(countId);
    if (already) return done(already);
    let count = await load(countId);
    if (!count) return refuse('COUNT_UNKNOWN', `No count ${countId} on this tablet`);
    if (count.source.kind !== 'handheld') {
      return refuse('COUNT_NOT_HANDHELD', 'This count was read by the fixed readers');
    }
    if (count.state !== 'reading' && count.state !== 'ready') {
      return refuse('COUNT_SENT', 'This count was sent: start a new one to read again');
    }
    const onTagRead = ports.floor?.onTagRead;
    if (!onTagRead) return refuse('HUB_NONE', 'No RFID reader reaches this tablet');
    count = { ...count, state: 'reading' };
    await keep(count);
    const unsubscribe = onTagRead((tag: TagRead) => {
      const next = withReads(count!, [tag.epc]);
      if (next === count) return;
      count = next;
      // Told once kept: what the screen shows is on the device.
      void keep(next).then(() => onChange(next));
    });
    const handle = {
      async stop() {
        unsubscribe();
        reading.delete(countId);
        count = { ...count!, state: 'ready' };
        await keep(count);
        return count;
      },
    };
    reading.set(countId, handle);
    onChange(count);
    return done(handle);
  }

  /** [FM7] One try: compared, approved, waiting (no answer, or the server cannot take it now) or refused. */
  async function send(count: CountOnDevice): Promise<CountOnDevice> {
    const at = ports.clock().toISOString();
    if (!ports.online()) {
      return { ...count, state: 'waiting', reason: whyNotLive(null), lastTriedAt: at };
    }
    const answer = await ports.rfid.submitCount({
      countId: count.countId,
      scope: count.scope,
      epcs: count.epcs,
      countedAt: count.startedAt,
      staffId: count.staffId,
    });
    const { reason: _r, code: _c, ...rest } = count;
    if (answer.ok) {
      return {
        ...rest,
        state: answer.value.status === 'approved' ? 'approved' : 'compared',
        answer: answer.value,
        lastTriedAt: at,
      };
    }
    if (answer.offline || !refusalIsFinal(answer.status)) {
      return { ...rest, state: 'waiting', reason: whyNotLive(answer), lastTriedAt: at };
    }
    return { ...rest, state: 'refused', code: answer.code, reason: answer.reason, lastTriedAt: at };
  }

  function said(count: CountOnDevice): Notice[] {
    if (count.state === 'waiting') {
      return [
        {
          tone: 'info',
          text: `The count waits on this tablet with its ${count.epcs.length} reads: ${count.reason ?? ''}`,
          code: 'COUNT_WAITING',
          params: { n: String(count.epcs.length), reason: count.reason ?? '' },
        },
      ];
    }
    return [];
  }

  async function submit(countId: string): Promise<Outcome<CountOnDevice>> {
    const count = await load(countId);
    if (!count) return refuse('COUNT_UNKNOWN', `No count ${countId} on this tablet`);
    if (reading.has(countId) || count.state === 'reading') {
      return refuse('COUNT_STILL_READING', 'Stop reading before sending the count');
    }
    if (count.state === 'compared' || count.state === 'approved') return done(count);
    if (count.epcs.length === 0) {
      return refuse('COUNT_EMPTY', 'Nothing was read: read the tags first');
    }
    const after = await send(count);
    await keep(after);
    if (after.state === 'refused') {
      return refuse(after.code ?? 'COUNT_REFUSED', after.reason ?? 'The server refused the count', {
        context: 'Count',
      });
    }
    return done(after, said(after));
  }

  async function report(count: CountOnDevice): Promise<CountReport | null> {
    if (!count.answer) return null;
    const { result, adjustments } = count.answer;
    const lines = await Promise.all(
      result.bySku.map(async (line) => ({ ...line, item: await labels.sku(line.sku) })),
    );
    return { result, lines, adjustments };
  }

  async function approve(
    countId: string,
    approval: { supervisorId: string; pin: string },
  ): Promise<Outcome<CountOnDevice>> {
    const count = await load(countId);
    if (!count) return refuse('COUNT_UNKNOWN', `No count ${countId} on this tablet`);
    if (count.state === 'approved') return done(count);
    if (count.state !== 'compared') {
      return refuse('COUNT_NOT_COMPARED', 'Send the count and see its result before approving');
    }
    const approved = await approver(approval.supervisorId, approval.pin);
    if (!approved.ok) return approved;
    if (!ports.online()) {
      return refuse(OFFLINE, 'Approving a count needs the network: try again when online');
    }
    const answer = await ports.rfid.approveCount(count.countId, {
      approverId: approved.value.id,
      at: ports.clock().toISOString(),
    });
    if (!answer.ok) {
      return answer.offline
        ? refuse(OFFLINE, `Count approval: ${answer.reason}`, {
            context: 'Count approval',
            params: { reason: answer.reason },
          })
        : refuse(answer.code, answer.reason, {
            context: 'Count approval',
            params: { status: String(answer.status) },
          });
    }
    const after: CountOnDevice = {
      ...count,
      state: 'approved',
      answer: answer.value,
      approvedBy: approved.value.id,
    };
    await keep(after);
    return done(after, [
      {
        tone: 'info',
        text: `Count approved by ${approved.value.name}: stock adjusted`,
        code: 'COUNT_APPROVED',
        params: { name: approved.value.name },
      },
    ]);
  }

  async function counts(): Promise<CountOnDevice[]> {
    const keys = await ports.local.keys(COUNT_KEY_PREFIX);
    const all = await Promise.all(keys.map((k) => ports.local.get<CountOnDevice>(k)));
    return all
      .filter((c): c is CountOnDevice => c !== null)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.countId.localeCompare(a.countId));
  }

  async function flush(): Promise<CountOnDevice[]> {
    for (const count of await counts()) {
      if (count.state !== 'waiting') continue;
      await keep(await send(count));
    }
    return counts();
  }

  async function discard(countId: string): Promise<void> {
    await reading.get(countId)?.stop();
    await writing;
    await ports.local.remove(countKey(countId));
  }

  return { zones, start, read, submit, report, approve, counts, flush, discard };
}
