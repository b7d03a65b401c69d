/**
 * For the clerk desk's tests (and the tablet's): a clerk server in memory
 * that places each request once (by its request id, like the server's
 * Idempotency-Key), can be switched offline or told to refuse, and records
 * what it was asked; and a device-local store in memory.
 */
import type {
  ChainStockAnswer,
  ClerkCommissionAnswer,
  ClerkCreditEdit,
  ClerkMemberAnswer,
  ClerkOrderRequest,
  ClerkOrderView,
} from '@pos/domain';
import type { ClerkLocalStore, ClerkServer, ServerAnswer } from './types';

export function memoryLocalStore(): ClerkLocalStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    get: async <T>(key: string) => {
      const v = data.get(key);
      return v === undefined ? null : (JSON.parse(v) as T);
    },
    set: async (key, value) => void data.set(key, JSON.stringify(value)),
    remove: async (key) => void data.delete(key),
    keys: async (prefix) => [...data.keys()].filter((k) => k.startsWith(prefix)).sort(),
  };
}

/** What the fake server does with the next call: answer, no answer, or refuse. */
export type FakeMode =
  | 'online'
  | 'offline'
  /** The order is placed but the answer is lost on the way back (the tablet sees no answer). */
  | 'lost-answer'
  | { status: number; code: string; reason: string; details?: unknown };

export type FakeClerkServer = ClerkServer & {
  mode: FakeMode;
  /** Orders placed, by request id, with the request they were placed from. */
  placed: Map<string, { order: ClerkOrderView; request: ClerkOrderRequest }>;
  /** Every placeOrder call's request id, in order. */
  sent: string[];
  edits: ClerkCreditEdit[];
  stock: Map<string, ChainStockAnswer>;
  commissions: Map<string, ClerkCommissionAnswer>;
  members: Map<string, ClerkMemberAnswer>;
  now: string;
};

const OFFLINE = {
  ok: false,
  offline: true,
  reason: 'the sync server could not be reached',
} as const;

export function fakeClerkServer(): FakeClerkServer {
  let orders = 0;
  const server: FakeClerkServer = {
    mode: 'online',
    placed: new Map(),
    sent: [],
    edits: [],
    stock: new Map(),
    commissions: new Map(),
    members: new Map(),
    now: '2026-03-01T10:00:00.000Z',
    chainStock: async (styleId, options = {}) =>
      answer(() => {
        const stock = server.stock.get(styleId);
        if (!stock) return refusal(404, 'NOT_FOUND', `no style ${styleId}`);
        const sku = options.sku;
        return ok({
          ...stock,
          stores: sku ? stock.stores.filter((s) => (s.atp[sku] ?? 0) > 0) : stock.stores,
        });
      }),
    placeOrder: async (request) => {
      server.sent.push(request.requestId);
      const mode = server.mode;
      if (mode === 'offline') return OFFLINE;
      if (typeof mode === 'object' && !server.placed.has(request.requestId)) {
        return { ok: false, offline: false, ...mode };
      }
      let placed = server.placed.get(request.requestId);
      if (!placed) {
        orders += 1;
        const order: ClerkOrderView = {
          id: `O${orders}`,
          number: String(1000 + orders),
          status: 'held',
          total: request.expectedTotal ?? 0,
          placedAt: server.now,
          lines: request.lines.map((l) => ({
            lineId: l.lineId,
            sku: l.sku,
            name: l.sku,
            quantity: l.quantity,
            net: 0,
            fulfilment: l.fulfilment,
            where: l.fulfilment.mode === 'pickup' ? l.fulfilment.storeId : 'delivery',
            credits: l.credits,
          })),
          attributionStoreId: 'S001',
        };
        placed = { order, request };
        server.placed.set(request.requestId, placed);
      }
      if (mode === 'lost-answer') return OFFLINE;
      return ok({ order: placed.order, now: server.now });
    },
    order: async (orderId) =>
      answer(() => {
        const found = [...server.placed.values()].find((p) => p.order.id === orderId);
        return found
          ? ok({ order: found.order, now: server.now })
          : refusal(404, 'NOT_FOUND', 'no such order');
      }),
    pay: async (orderId) =>
      answer(() =>
        ok({
          providerTxnId: `T-${orderId}`,
          payUrl: `https://pay.test/${orderId}`,
          qrPayload: `pay:${orderId}`,
        }),
      ),
    commission: async (staffId) =>
      answer(() => {
        const c = server.commissions.get(staffId);
        return c ? ok(c) : refusal(404, 'NOT_FOUND', 'no such staff');
      }),
    editCredit: async (edit) =>
      answer(() => {
        server.edits.push(edit);
        return ok({ entries: [] });
      }),
    newMember: async (member) =>
      answer(() => {
        const existing = server.members.get(member.phone);
        if (existing) return ok({ ...existing, existing: true });
        const made: ClerkMemberAnswer = {
          memberId: `M9${server.members.size}`,
          maskedPhone: `${member.phone.slice(0, 3)}****${member.phone.slice(7)}`,
          tier: 'basic',
          existing: false,
          consentUrl: 'https://sync.test/consent/abc',
        };
        server.members.set(member.phone, made);
        return ok(made);
      }),
    findMember: async () => answer(() => refusal(404, 'NOT_FOUND', 'no member')),
    newAddress: async (address) =>
      answer(() => ok({ addressId: `A-${address.memberId}`, label: `${address.regionCode} ***` })),
  };
  function answer<T>(make: () => ServerAnswer<T>): ServerAnswer<T> {
    const mode = server.mode;
    if (mode === 'offline' || mode === 'lost-answer') return OFFLINE;
    if (typeof mode === 'object') return { ok: false, offline: false, ...mode };
    return make();
  }
  return server;
}

const ok = <T>(value: T): ServerAnswer<T> => ({ ok: true, value });
const refusal = (status: number, code: string, reason: string): ServerAnswer<never> => ({
  ok: false,
  offline: false,
  status,
  code,
  reason,
});
