/**
 * [RI10] [TO12] Try-on suggestions reach a member after they leave, through
 * the chain's one message outbox ([CS5]), and only with their consent. A
 * sweep groups the member-linked sessions into visits (same member and
 * store, each session opening within `visitGapMs` of the visit's last
 * close); a visit whose last session closed `quietMs` ago is over, and is
 * decided once: with consent to `tryon-suggestions` then, one message with
 * suggestions for what was tried and not bought; without, none.
 */
import { startPeriodicSweep } from '../periodic-sweep';
import {
  tryOnVisits,
  type CollectionName,
  type OutboxMessage,
  type TryOnFact,
  type TryOnVisit,
} from '@pos/domain';
import type { Logger } from '../server';
import { mayUse } from '../pii/consent-check';
import { OUTBOX_DB, MESSAGE_BODY_MAX } from '../pii/outbox';
import type { JsonObject } from '../protocol';
import type { SyncStorage } from '../storage/storage';
import { suggestionsForSkus } from './suggestions';
import { gtinOfTryOn } from './tryons';
import { selectEpcSales, selectMemberSessions, selectProductsByGtin } from './tryons-sql';

/** [RI10] Server-only: each visit's decision, once (queued, no consent, nothing to suggest). */
export const TRY_ON_VISITS_DB = '_tryOnVisits' as CollectionName;
/** [OC6] One process sweeps at a time. */
export const TRY_ON_OUTBOX_LOCK = 'tryon-outbox';

export type TryOnOutboxOptions = {
  /** A visit is over when its last session closed this long ago; default 30 minutes. */
  quietMs?: number;
  /** Sessions of a member at a store this close together are one visit; default 2 hours. */
  visitGapMs?: number;
  /** Sessions closed longer ago than this are not read again; default 24 hours. */
  lookbackMs?: number;
  /** Suggestions in one message; default 6. */
  limit?: number;
  channel?: OutboxMessage['channel'];
};

export const DEFAULT_TRY_ON_OUTBOX: Required<TryOnOutboxOptions> = {
  quietMs: 30 * 60_000,
  visitGapMs: 2 * 60 * 60_000,
  lookbackMs: 24 * 60 * 60_000,
  limit: 6,
  channel: 'mini-program',
};

/** [RI10] What a sweep decided, by visit id. */
export type VisitDecision = {
  id: string;
  memberId: string;
  storeId: string;
  sessionIds: string[];
  outcome: 'queued' | 'no-consent' | 'nothing-to-suggest';
  decidedAt: string;
};

/** [TO12] The sender's text: the SKUs only, never personal data. */
export function suggestionText(message: Pick<OutboxMessage, 'suggestions'>): string {
  const skus = message.suggestions.map((s) => s.sku);
  return `试穿推荐 Try-on suggestions: ${skus.join(', ')}`.slice(0, MESSAGE_BODY_MAX);
}

/** The try-on SKUs of a visit whose EPC was not sold since it was tried. */
async function triedNotBoughtOfVisit(
  storage: SyncStorage,
  sessions: readonly TryOnFact[],
  now: string,
): Promise<{ skus: string[]; bought: string[] }> {
  const tried = sessions.filter((s) => s.tryOn);
  if (tried.length === 0) return { skus: [], bought: [] };
  const first = Math.min(...tried.map((s) => Date.parse(s.openedAt)));
  const [products, sales] = await Promise.all([
    selectProductsByGtin(
      storage,
      tried.map(gtinOfTryOn).filter((g): g is string => g !== null),
    ),
    selectEpcSales(
      storage,
      tried.map((s) => s.epc),
      { from: new Date(first).toISOString(), to: now },
    ),
  ]);
  const skus: string[] = [];
  const bought: string[] = [];
  for (const s of [...tried].sort((a, b) => b.closedAt.localeCompare(a.closedAt))) {
    const opened = Date.parse(s.openedAt);
    const gtin = gtinOfTryOn(s);
    const sku = gtin === null ? undefined : products.get(gtin)?.sku;
    if (sku === undefined) continue;
    const sold = sales.some((sale) => sale.epc === s.epc && Date.parse(sale.soldAt) >= opened);
    const list = sold ? bought : skus;
    if (!list.includes(sku)) list.push(sku);
  }
  return { skus: skus.filter((s) => !bought.includes(s)), bought };
}

/**
 * [RI10] One sweep at `now`: decides every visit that is over and not
 * decided yet. Returns the decisions made now (none when another process
 * held the sweep lock).
 */
export async function sweepTryOnOutbox(
  storage: SyncStorage,
  now: string,
  options: TryOnOutboxOptions = {},
): Promise<VisitDecision[]> {
  const o = { ...DEFAULT_TRY_ON_OUTBOX, ...options };
  const at = Date.parse(now);
  const sessions = await selectMemberSessions(storage, new Date(at - o.lookbackMs).toISOString());
  const byId = new Map(sessions.map((s) => [s.id, s]));
  const over = tryOnVisits(
    sessions.map((s) => ({ ...s, memberId: s.memberId! })),
    o.visitGapMs,
  ).filter((v) => Date.parse(v.lastClosedAt) + o.quietMs <= at);
  if (over.length === 0) return [];
  const decided = await storage.getDocs(
    TRY_ON_VISITS_DB,
    over.map((v) => v.id),
    null,
  );
  const due = over.filter((v) => !decided.has(v.id));
  if (due.length === 0) return [];
  const swept = await storage.withSweepLock(TRY_ON_OUTBOX_LOCK, async () => {
    const made: VisitDecision[] = [];
    for (const visit of due) {
      const decision = await decideVisit(storage, visit, byId, now, o);
      if (decision) made.push(decision);
    }
    return made;
  });
  return swept.ran ? swept.value : [];
}

/** [RI10] Decides one visit: the suggestions read first, then consent and the writes in one transaction. */
async function decideVisit(
  storage: SyncStorage,
  visit: TryOnVisit,
  byId: ReadonlyMap<string, TryOnFact>,
  now: string,
  o: Required<TryOnOutboxOptions>,
): Promise<VisitDecision | null> {
  const sessions = visit.sessionIds.map((id) => byId.get(id)!);
  const { skus, bought } = await triedNotBoughtOfVisit(storage, sessions, now);
  const suggestions =
    skus.length === 0
      ? []
      : await suggestionsForSkus(
          storage,
          { storeId: visit.storeId, skus, limit: o.limit, exclude: bought },
          now,
        );
  const tryOnIds = sessions.filter((s) => s.tryOn).map((s) => s.id);
  return storage.transaction(async (tx) => {
    if ((await tx.getDocs(TRY_ON_VISITS_DB, [visit.id])).has(visit.id)) return null;
    const consent = await mayUse(tx, visit.memberId, 'tryon-suggestions', now);
    const outcome: VisitDecision['outcome'] = !consent
      ? 'no-consent'
      : suggestions.length === 0
        ? 'nothing-to-suggest'
        : 'queued';
    if (outcome === 'queued') {
      const message: OutboxMessage = {
        id: visit.id,
        memberId: visit.memberId,
        purpose: 'tryon-suggestions',
        channel: o.channel,
        body: '',
        storeId: visit.storeId,
        sessionIds: tryOnIds,
        suggestions,
        createdAt: now,
        status: 'pending',
      };
      message.body = suggestionText(message);
      const written = await tx.put({
        db: OUTBOX_DB,
        id: message.id,
        body: message as unknown as JsonObject,
        storeId: null,
        expectedRev: null,
      });
      // Cannot happen: the decision and the message are written together.
      if (!written.ok) throw new Error(`message ${message.id} exists: ${written.reason}`);
    }
    const decision: VisitDecision = {
      id: visit.id,
      memberId: visit.memberId,
      storeId: visit.storeId,
      sessionIds: visit.sessionIds,
      outcome,
      decidedAt: now,
    };
    const written = await tx.put({
      db: TRY_ON_VISITS_DB,
      id: visit.id,
      body: decision as unknown as JsonObject,
      storeId: null,
      expectedRev: null,
    });
    if (!written.ok) throw new Error(`visit ${visit.id} decided twice: ${written.reason}`);
    return decision;
  });
}

export type TryOnOutboxSweeper = { stop(): Promise<void> };

/** [RI10] Sweeps every `intervalMs` (default 60 s) until stopped. */
export function startTryOnOutbox(
  storage: SyncStorage,
  options: TryOnOutboxOptions & { intervalMs?: number; now: () => Date; log: Logger },
): TryOnOutboxSweeper {
  const intervalMs = options.intervalMs ?? 60_000;
  return startPeriodicSweep(
    async () => {
      const made = await sweepTryOnOutbox(storage, options.now().toISOString(), options);
      const queued = made.filter((d) => d.outcome === 'queued');
      if (queued.length) {
        options.log('info', 'try-on suggestions queued', { visits: queued.map((d) => d.id) });
      }
    },
    intervalMs,
    (error) =>
      options.log('warn', 'the try-on outbox sweep failed; the next tick retries', {
        error: String(error),
      }),
  );
}
