/**
 * A Tablet made of fakes with demo data, for developing and looking at the
 * screens without a sync server, a replica or a hub: the style TEE-01 in
 * 白/黑 × S/M/L/XL (白 M is out here, 3 km away it is not), three other
 * stores, members, a queue with one order of each state, and a clerk's
 * commission. Its answers follow the shapes of the real use cases; its
 * "rules" are only what a demo needs. Not used by the real app.
 */
import type {
  ChainStockView,
  ClerkCart,
  ClerkCartLine,
  ClerkDesk,
  ClerkFound,
  ClerkSubmitted,
  PickupDesk,
  PickupDraft,
  QueuedOrder,
  Session,
} from '@pos/app-core';
import {
  creditProblems,
  defaultCredits,
  makeTakeNowCode,
  maskPhone,
  orderNumber,
  styleGrid,
  type ClerkCommissionAnswer,
  type ClerkOrderView,
  type CreditedLineView,
  type Order,
  type Product,
  type Staff,
  type Style,
} from '@pos/domain';
import type { Tablet, TabletCamera, TabletHub, TabletSync } from '../tablet';
import { createFakeFloor } from './fake-floor';
import { createFakeTransfers } from './fake-transfers';

export type FakeOptions = {
  /** Start offline: stale chain stock, orders queued. */
  offline?: boolean;
  /** Sign in at once as this staff id (the demo clerk is S001-E01). */
  signedIn?: string;
};

const STAFF: (Staff & { pin: string })[] = [
  {
    id: 'S001-E01',
    name: '王小明',
    storeId: 'S001',
    roles: ['cashier'],
    pinSalt: '',
    pinHash: '',
    status: 'active',
    pin: '1111',
  },
  {
    id: 'S001-E02',
    name: '李主管',
    storeId: 'S001',
    roles: ['supervisor'],
    pinSalt: '',
    pinHash: '',
    status: 'active',
    pin: '2222',
  },
  {
    id: 'S001-E03',
    name: '赵丽',
    storeId: 'S001',
    roles: ['cashier'],
    pinSalt: '',
    pinHash: '',
    status: 'active',
    pin: '3333',
  },
];

const COLOURS = ['白', '黑'];
const SIZES = ['S', 'M', 'L', 'XL'];
const CODE_OF: Record<string, string> = { 白: 'WH', 黑: 'BK' };

export const TEE: Style = {
  id: 'style:TEE-01',
  kind: 'style',
  styleId: 'TEE-01',
  name: '纯棉圆领T恤',
  category: 'apparel',
  brand: 'Basics',
  colours: COLOURS,
  sizes: SIZES,
  variants: COLOURS.flatMap((colour) =>
    SIZES.map((size) => ({ sku: `TEE-01-${CODE_OF[colour]}-${size}`, colour, size })),
  ),
};

const product = (id: string, name: string, gtin: string, category = 'apparel'): Product => ({
  id,
  name,
  gtin,
  category,
  brand: 'Basics',
  taxClass: 'VAT13',
  status: 'active',
});

const PRODUCTS: { product: Product; price: number; style: Style | null }[] = [
  ...TEE.variants.map((v, i) => ({
    product: product(
      v.sku,
      `纯棉圆领T恤 ${v.colour} ${v.size}`,
      `0690000000${100 + i}`.padEnd(14, '0'),
    ),
    price: 9900,
    style: TEE,
  })),
  {
    product: product('SOCK-02', '运动短袜（三双装）', '06900000002001', 'accessories'),
    price: 3900,
    style: null,
  },
  {
    product: product('CAP-03', '棒球帽', '06900000003001', 'accessories'),
    price: 5900,
    style: null,
  },
];

/** ATP here; undefined: not known (shown as —). */
const HERE: Record<string, number | undefined> = {
  'TEE-01-WH-S': 3,
  'TEE-01-WH-M': 0,
  'TEE-01-WH-L': 5,
  'TEE-01-WH-XL': undefined,
  'TEE-01-BK-S': 1,
  'TEE-01-BK-M': 2,
  'TEE-01-BK-L': 0,
  'TEE-01-BK-XL': 4,
  'SOCK-02': 24,
  'CAP-03': 6,
};

const OTHER_STORES: {
  storeId: string;
  name: string;
  distanceMetres: number;
  atp: Record<string, number>;
}[] = [
  {
    storeId: 'S002',
    name: '徐汇店',
    distanceMetres: 3050,
    atp: { 'TEE-01-WH-M': 4, 'TEE-01-WH-S': 2, 'TEE-01-BK-L': 1 },
  },
  {
    storeId: 'S003',
    name: '浦东店',
    distanceMetres: 8420,
    atp: { 'TEE-01-WH-M': 1, 'TEE-01-BK-L': 3, 'TEE-01-WH-XL': 2 },
  },
  { storeId: 'S004', name: '虹口店', distanceMetres: 12130, atp: { 'TEE-01-WH-S': 6 } },
];

const DEMO_KEY = { id: 'd1', secret: new TextEncoder().encode('demo-tablet-screens-key') };

const found = (sku: string): ClerkFound | null => {
  const p = PRODUCTS.find((x) => x.product.id === sku);
  if (!p) return null;
  const v = p.style?.variants.find((x) => x.sku === sku);
  return {
    product: p.product,
    unitPrice: p.price,
    style: p.style,
    variant: v ? { colour: v.colour, size: v.size } : null,
  };
};

const refuse = (code: string, message: string, params?: Record<string, string>) => ({
  ok: false as const,
  code,
  message,
  ...(params ? { params } : {}),
});
const done = <T>(value: T) => ({ ok: true as const, value, notices: [] });

const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
const MIN = 60_000;
const HOUR = 60 * MIN;

export function createFakeTablet(options: FakeOptions = {}): Tablet & {
  /** For the dev page: go offline or online. */
  setOnline(online: boolean): void;
  /** For the dev page: a scan from the hub's scanner. */
  scan(code: string): void;
  /** For the dev page: a tag read by the hub's RFID reader (the count screen's handheld read). */
  readTag(epc: string): void;
  /** For the dev page: an RFID tag's EPC of a fake transfer's SKU. */
  transferEpc(sku: string, serial: number): string;
  /** For the dev page: a code held up to the camera while it plays (a member QR). */
  showCamera(code: string): void;
} {
  let online = !options.offline;
  let signedIn: Staff | null = null;
  let ids = 0;
  const nextId = (prefix: string) => `${prefix}${String(++ids).padStart(4, '0')}`;
  const syncListeners = new Set<() => void>();
  const scanListeners = new Set<(code: string) => void>();
  const changed = () => syncListeners.forEach((l) => l());

  const members = [
    { memberId: 'M0001', phone: '13800138001', maskedName: '张*', tier: '金卡会员' },
  ];
  const orders = new Map<string, { order: ClerkOrderView; polls: number; paying: boolean }>();

  const queue: QueuedOrder[] = [
    {
      request: {
        requestId: 'S001-TAB1-01JQUEUED00001',
        staffId: 'S001-E01',
        customer: { memberId: 'M0001' },
        lines: [
          {
            lineId: 'L1',
            sku: 'TEE-01-BK-L',
            quantity: 1,
            fulfilment: { mode: 'pickup', storeId: 'S003' },
            credits: defaultCredits('S001-E01'),
          },
        ],
        createdAt: iso(12 * MIN),
      },
      state: 'queued',
      attempts: 2,
      lastTriedAt: iso(2 * MIN),
    },
    {
      request: {
        requestId: 'S001-TAB1-01JFAILED00002',
        staffId: 'S001-E01',
        customer: { memberId: 'M0001' },
        lines: [
          {
            lineId: 'L1',
            sku: 'TEE-01-WH-XL',
            quantity: 2,
            fulfilment: { mode: 'pickup', storeId: 'S003' },
            credits: defaultCredits('S001-E01'),
          },
        ],
        createdAt: iso(50 * MIN),
      },
      state: 'failed',
      code: 'OUT_OF_STOCK',
      reason: '浦东店 has 1 of TEE-01-WH-XL, not 2',
      attempts: 1,
      lastTriedAt: iso(30 * MIN),
    },
  ];

  function orderOf(cart: ClerkCart, lines: ClerkCartLine[]): ClerkOrderView {
    const id = `ORD-${(0x1a2b3c4d + ids).toString(16).toUpperCase()}-${nextId('')}`;
    const placedAt = new Date().toISOString();
    return {
      id,
      number: id.slice(4, 12),
      status: 'held',
      total: lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0),
      placedAt,
      holdExpiresAt: new Date(Date.now() + 15 * MIN).toISOString(),
      lines: lines.map((l) => ({
        lineId: l.lineId,
        sku: l.sku,
        name: l.name,
        quantity: l.quantity,
        net: l.unitPrice * l.quantity,
        fulfilment:
          l.fulfilment.mode === 'pickup'
            ? { mode: 'pickup', storeId: l.fulfilment.storeId }
            : l.fulfilment.mode === 'take-now'
              ? { mode: 'take-now' }
              : { mode: l.fulfilment.mode, addressId: l.fulfilment.addressId },
        where:
          l.fulfilment.mode === 'pickup'
            ? l.fulfilment.storeName
            : l.fulfilment.mode === 'take-now'
              ? ''
              : '徐汇店',
        credits: l.credits,
      })),
      attributionStoreId: 'S001',
    };
  }

  const clerk: ClerkDesk = {
    async find(text) {
      const q = text.trim().toLowerCase();
      if (!q) return refuse('SEARCH_EMPTY', 'Type a name, pinyin initials, a SKU or a barcode');
      const hits = PRODUCTS.filter(
        (p) =>
          p.product.id.toLowerCase() === q ||
          p.product.gtin === q.padStart(14, '0') ||
          p.product.name.toLowerCase().includes(q) ||
          (q === 'tee' || q === 'txu' || q === 'cmyl' ? p.style !== null : false),
      );
      const exact = hits.find(
        (p) => p.product.id.toLowerCase() === q || p.product.gtin === q.padStart(14, '0'),
      );
      const list = exact ? [exact] : hits;
      return done(list.map((p) => found(p.product.id)!));
    },
    async product(sku) {
      const f = found(sku);
      return f ? done(f) : refuse('PRODUCT_UNKNOWN', `No product ${sku}`);
    },
    async stockHere(style) {
      return styleGrid(style, (sku) => HERE[sku]);
    },
    async chainStock(style, sku): Promise<ChainStockView> {
      const stores = OTHER_STORES.map((s) => ({
        ...s,
        asOf: online ? iso(5_000) : iso(47 * MIN),
      })).filter((s) => style.variants.some((v) => v.sku in s.atp));
      const sorted = sku ? stores : stores;
      return online
        ? { state: 'live', asOf: iso(5_000), stores: sorted }
        : { state: 'stale', asOf: iso(47 * MIN), stores: sorted, reason: 'offline' };
    },
    newCart() {
      return { cartId: nextId('CART-S001-TAB1-'), customer: null, lines: [] };
    },
    addLine(cart, item, quantity, fulfilment) {
      if (item.unitPrice === null) return refuse('PRICE_MISSING', 'No price');
      if (!Number.isInteger(quantity) || quantity < 1 || quantity > 999) {
        return refuse('QUANTITY_INVALID', 'Quantity 1-999');
      }
      const same = cart.lines.find(
        (l) =>
          l.sku === item.product.id && JSON.stringify(l.fulfilment) === JSON.stringify(fulfilment),
      );
      if (same) {
        return done({
          ...cart,
          lines: cart.lines.map((l) =>
            l === same ? { ...l, quantity: l.quantity + quantity } : l,
          ),
        });
      }
      const line: ClerkCartLine = {
        lineId: nextId('L'),
        sku: item.product.id,
        name: item.style?.name ?? item.product.name,
        variant: item.variant,
        quantity,
        unitPrice: item.unitPrice,
        fulfilment,
        credits: defaultCredits(signedIn?.id ?? 'S001-E01'),
      };
      return done({ ...cart, lines: [...cart.lines, line] });
    },
    setQuantity(cart, lineId, quantity) {
      if (!Number.isInteger(quantity) || quantity < 1 || quantity > 999) {
        return refuse('QUANTITY_INVALID', 'Quantity 1-999');
      }
      return done({
        ...cart,
        lines: cart.lines.map((l) => (l.lineId === lineId ? { ...l, quantity } : l)),
      });
    },
    setFulfilment(cart, lineId, fulfilment) {
      return done({
        ...cart,
        lines: cart.lines.map((l) => (l.lineId === lineId ? { ...l, fulfilment } : l)),
      });
    },
    setCredits(cart, lineId, credits) {
      const problems = creditProblems(credits);
      if (problems.length) return refuse('CREDIT_INVALID', problems.join('; '));
      const unknown = credits.find((c) => !STAFF.some((s) => s.id === c.staffId));
      if (unknown)
        return refuse('STAFF_UNKNOWN', `No staff ${unknown.staffId}`, { staffId: unknown.staffId });
      return done({
        ...cart,
        lines: cart.lines.map((l) => (l.lineId === lineId ? { ...l, credits } : l)),
      });
    },
    removeLine(cart, lineId) {
      return { ...cart, lines: cart.lines.filter((l) => l.lineId !== lineId) };
    },
    async totals(cart) {
      const tier = cart.customer?.tier ? 0.95 : 1;
      const lines = cart.lines.map((l) => ({
        lineId: l.lineId,
        net: Math.round(l.unitPrice * l.quantity * tier),
      }));
      const sum = (mode: (l: ClerkCartLine) => boolean) =>
        cart.lines
          .filter(mode)
          .reduce((s, l) => s + lines.find((x) => x.lineId === l.lineId)!.net, 0);
      const takeNow = sum((l) => l.fulfilment.mode === 'take-now');
      const ordered = sum((l) => l.fulfilment.mode !== 'take-now');
      return { total: takeNow + ordered, takeNow, ordered, lines };
    },
    async memberByPhone(cart, phone) {
      if (!/^1\d{10}$/.test(phone)) return refuse('PHONE_INVALID', 'Not a mobile number');
      const m = members.find((x) => x.phone === phone);
      if (!m) return refuse('MEMBER_UNKNOWN', `No member has ${maskPhone(phone)}`);
      return done({
        ...cart,
        customer: {
          memberId: m.memberId,
          maskedPhone: maskPhone(m.phone),
          maskedName: m.maskedName,
          tier: m.tier,
        },
      });
    },
    async memberByQr(cart, code) {
      if (!code.startsWith('M.')) return refuse('MEMBER_NOT_RECOGNISED', 'Not a member QR');
      const m = members[0]!;
      return done({
        ...cart,
        customer: {
          memberId: m.memberId,
          maskedPhone: maskPhone(m.phone),
          maskedName: m.maskedName,
          tier: m.tier,
        },
      });
    },
    async newMember(cart, phone, name) {
      if (!online) return refuse('MEMBER_OFFLINE', 'Creating a member needs the network');
      if (!/^1\d{10}$/.test(phone)) return refuse('PHONE_INVALID', 'Not a mobile number');
      const member = {
        memberId: nextId('M'),
        maskedPhone: maskPhone(phone),
        ...(name ? { maskedName: `${name.slice(0, 1)}*` } : {}),
        existing: false,
        consentUrl: `https://127.0.0.1:5984/consent/${nextId('c')}a8f3e2`,
      };
      members.push({
        memberId: member.memberId,
        phone,
        maskedName: member.maskedName ?? '',
        tier: '',
      });
      return done({
        cart: { ...cart, customer: { memberId: member.memberId, maskedPhone: member.maskedPhone } },
        member,
      });
    },
    async newAddress(cart, address) {
      if (!cart.customer?.memberId) return refuse('ADDRESS_NEEDS_MEMBER', 'Attach a member first');
      return done({
        addressId: nextId('ADDR'),
        label: `${address.street.slice(0, 8)}… ${address.name.slice(0, 1)}* ${maskPhone(address.phone)}`,
      });
    },
    async submit(cart) {
      if (cart.lines.length === 0) return refuse('CART_EMPTY', 'The cart is empty');
      const takeNow = cart.lines.filter((l) => l.fulfilment.mode === 'take-now');
      const ordered = cart.lines.filter((l) => l.fulfilment.mode !== 'take-now');
      if (ordered.length && !cart.customer) {
        return refuse('CUSTOMER_MISSING', 'A pickup or delivery order needs the customer');
      }
      const result: ClerkSubmitted = {};
      if (takeNow.length) {
        result.takeNowCode = makeTakeNowCode(
          {
            cartId: cart.cartId.toUpperCase(),
            storeId: 'S001',
            credits: takeNow[0]!.credits,
            lines: takeNow.map((l) => ({ sku: l.sku, quantity: l.quantity })),
          },
          DEMO_KEY,
        );
      }
      if (ordered.length) {
        const request = {
          requestId: nextId('S001-TAB1-REQ'),
          staffId: signedIn?.id ?? 'S001-E01',
          customer: { memberId: cart.customer!.memberId ?? 'M0001' },
          lines: ordered.map((l) => ({
            lineId: l.lineId,
            sku: l.sku,
            quantity: l.quantity,
            fulfilment:
              l.fulfilment.mode === 'pickup'
                ? { mode: 'pickup' as const, storeId: l.fulfilment.storeId }
                : { mode: 'ship' as const, addressId: 'ADDR' },
            credits: l.credits,
          })),
          createdAt: new Date().toISOString(),
        };
        if (online) {
          const order = orderOf(cart, ordered);
          orders.set(order.id, { order, polls: 0, paying: false });
          result.order = order;
          queue.unshift({
            request,
            state: 'placed',
            order,
            attempts: 1,
            lastTriedAt: request.createdAt,
          });
        } else {
          const queued: QueuedOrder = { request, state: 'queued', attempts: 0 };
          queue.unshift(queued);
          result.queued = queued;
        }
        changed();
      }
      return done(result);
    },
    async pay(orderId) {
      if (!online) return refuse('PAY_OFFLINE', 'The pay QR needs the network');
      const held = orders.get(orderId);
      if (!held) return refuse('ORDER_NOT_FOUND', `No order ${orderId}`, { order: orderId });
      held.paying = true;
      return done({
        providerTxnId: `SIM-${orderId}`,
        payUrl: `https://127.0.0.1:5984/_pay/sim/${orderId}`,
        qrPayload: `https://127.0.0.1:5984/_pay/sim/${orderId}`,
      });
    },
    async order(orderId) {
      const held = orders.get(orderId);
      if (!held) return refuse('ORDER_NOT_FOUND', `No order ${orderId}`, { order: orderId });
      if (held.paying && ++held.polls >= 2 && held.order.status === 'held') {
        held.order = {
          ...held.order,
          status: 'paid',
          paidAt: new Date().toISOString(),
          pickupDeadline: new Date(Date.now() + 72 * HOUR).toISOString(),
        };
      }
      return done(held.order);
    },
    async queue() {
      return queue.map((q) => ({ ...q }));
    },
    async flush() {
      if (online) {
        for (const q of queue) {
          if (q.state !== 'queued') continue;
          q.attempts += 1;
          q.lastTriedAt = new Date().toISOString();
          q.state = 'placed';
          q.order = {
            id: 'ORD-5E6F7A8B-0001',
            number: '5E6F7A8B',
            status: 'held',
            total: 9900,
            placedAt: q.lastTriedAt,
            lines: [],
            attributionStoreId: 'S001',
          };
        }
        changed();
      }
      return queue.map((q) => ({ ...q }));
    },
    async dismiss(requestId) {
      const i = queue.findIndex((q) => q.request.requestId === requestId && q.state !== 'queued');
      if (i >= 0) queue.splice(i, 1);
      changed();
    },
    async commission(staffId) {
      return online
        ? { state: 'live', answer: commissionOf(staffId, iso(0)) }
        : { state: 'stale', answer: commissionOf(staffId, iso(3 * HOUR)), reason: 'offline' };
    },
    async editCredit(line, after, reason, approval) {
      if (!online) return refuse('CREDIT_EDIT_OFFLINE', 'A credit edit needs the network');
      const supervisor = STAFF.find(
        (s) => s.id === approval.supervisorId && s.pin === approval.pin,
      );
      if (!supervisor) return refuse('PIN_WRONG', 'Staff id or PIN not recognised');
      if (!supervisor.roles.includes('supervisor')) {
        return refuse('NOT_PERMITTED', `${supervisor.name} may not approve this`, {
          name: supervisor.name,
        });
      }
      if (!reason) return refuse('REASON_MISSING', 'Give a reason');
      const problems = creditProblems(after);
      if (problems.length) return refuse('CREDIT_INVALID', problems.join('; '));
      line.credits = after;
      return done({ entries: [] });
    },
  };

  const creditedLines: CreditedLineView[] = [
    {
      source: 'order:ORD-1A2B3C4D-0007',
      lineId: 'L1',
      sku: 'TEE-01-WH-M',
      name: '纯棉圆领T恤 白 M',
      net: 9900,
      remainingNet: 9900,
      credits: defaultCredits('S001-E01'),
      soldAt: iso(40 * MIN),
      attributionStoreId: 'S001',
      fulfilmentStoreId: 'S002',
    },
    {
      source: 'sale:S001-POS1-01JSALE0003',
      lineId: 'L2',
      sku: 'SOCK-02',
      name: '运动短袜（三双装）',
      net: 7800,
      remainingNet: 7800,
      credits: [
        { staffId: 'S001-E01', share: 5000 },
        { staffId: 'S001-E03', share: 5000 },
      ],
      soldAt: iso(3 * HOUR),
      attributionStoreId: 'S001',
      fulfilmentStoreId: 'S001',
    },
    {
      source: 'sale:S001-POS1-01JSALE0001',
      lineId: 'L1',
      sku: 'CAP-03',
      name: '棒球帽',
      net: 11800,
      remainingNet: 5900,
      credits: defaultCredits('S001-E01'),
      soldAt: iso(50 * HOUR),
      attributionStoreId: 'S001',
      fulfilmentStoreId: 'S001',
    },
  ];

  function commissionOf(staffId: string, now: string): ClerkCommissionAnswer {
    return {
      staffId,
      now,
      day: { sales: 13800, commission: 414, lines: 2 },
      month: { sales: 486500, commission: 14595, lines: 37 },
      entries: [],
      lines: creditedLines,
    };
  }

  const session: Session = {
    async signIn(staffId, pin) {
      const s = STAFF.find((x) => x.id === staffId.trim().toUpperCase() && x.pin === pin);
      if (!s) return refuse('PIN_WRONG', 'Staff id or PIN not recognised');
      signedIn = s;
      return done(s);
    },
    signOut() {
      signedIn = null;
    },
    async approve(_permission, staffId, pin) {
      const s = STAFF.find((x) => x.id === staffId && x.pin === pin);
      if (!s) return refuse('PIN_WRONG', 'Staff id or PIN not recognised');
      return s.roles.includes('supervisor')
        ? done(s)
        : refuse('NOT_PERMITTED', 'Not a supervisor', { name: s.name });
    },
    selfApproval: () => null,
    openShift: async () => refuse('FAILED', 'No shifts on the tablet'),
    xReport: async () => refuse('FAILED', 'No shifts on the tablet'),
    mayClose: () => refuse('FAILED', 'No shifts on the tablet'),
    closeShift: async () => refuse('FAILED', 'No shifts on the tablet'),
    noSale: async () => refuse('FAILED', 'No drawer on the tablet'),
    suspend: async () => refuse('FAILED', 'No suspended carts on the tablet'),
    resume: async () => refuse('FAILED', 'No suspended carts on the tablet'),
  };
  if (options.signedIn)
    void session.signIn(options.signedIn, STAFF.find((s) => s.id === options.signedIn)?.pin ?? '');

  const pickupOrder: Order = {
    id: 'ORD-9C8B7A65-0003',
    channel: 'shop',
    customer: { memberId: 'M0001' },
    lines: [
      {
        lineId: 'L1',
        sku: 'TEE-01-BK-M',
        quantity: 2,
        unitPrice: 9900,
        net: 19800,
        fulfilment: { mode: 'pickup', storeId: 'S001' },
        pickedUp: 0,
      },
      {
        lineId: 'L2',
        sku: 'CAP-03',
        quantity: 1,
        unitPrice: 5900,
        net: 5900,
        fulfilment: { mode: 'pickup', storeId: 'S001' },
        pickedUp: 0,
      },
    ],
    total: 25700,
    status: 'paid',
    placedAt: iso(26 * HOUR),
    paidAt: iso(26 * HOUR),
    pickupDeadline: new Date(Date.now() + 46 * HOUR).toISOString(),
    pickups: [],
    factIds: [],
  };
  let wrongTries = 0;
  const pickup: PickupDesk = {
    async awaiting() {
      return [
        {
          orderId: pickupOrder.id,
          number: orderNumber(pickupOrder.id),
          status: pickupOrder.status,
          unitsLeft: 3,
          deadline: pickupOrder.pickupDeadline ?? null,
          overdue: false,
        },
      ];
    },
    async attempts() {
      return { allowed: true, remaining: 5 - wrongTries };
    },
    async openByCode(typed) {
      if (!/^\d{6}$/.test(typed)) return refuse('PICKUP_CODE_FORMAT', 'A pickup code is 6 digits');
      if (typed !== '123456') {
        wrongTries += 1;
        return refuse('PICKUP_CODE_UNKNOWN', `No open order has code ${typed}`, {
          code: typed,
          left: String(5 - wrongTries),
        });
      }
      return done(draftOf());
    },
    async openByQr(code) {
      if (!code.startsWith('P.')) return null;
      return done({ ...draftOf(), proof: 'qr' });
    },
    scanned: async () => null,
    async handOver(_draft, lines) {
      const chosen = lines.filter((l) => l.quantity > 0);
      if (!chosen.length) return refuse('PICKUP_NOTHING_CHOSEN', 'Choose the units first');
      const units = chosen.reduce((s, l) => s + l.quantity, 0);
      const fact = {
        id: nextId('PU'),
        storeId: 'S001',
        orderId: pickupOrder.id,
        lines: chosen.map((l) => ({ lineId: l.lineId, quantity: l.quantity })),
        at: new Date().toISOString(),
        deviceId: 'S001-TAB1',
        staffId: signedIn?.id ?? 'S001-E01',
        proof: 'code' as const,
      };
      return {
        ok: true as const,
        value: fact,
        notices: [
          {
            tone: 'info' as const,
            text: `Handed over ${units} item(s) of order 9C8B7A65`,
            code: 'PICKUP_HANDED_OVER',
            params: { units: String(units), order: '9C8B7A65' },
          },
        ],
      };
    },
    payHere: async () => refuse('FAILED', 'Pay at the till'),
    reprint: async () => done(null),
    close() {},
    askForReturn() {},
    openReturn: async () => null,
    completeReturn: async () => refuse('FAILED', 'Returns are taken at the till'),
    cancelReturn() {},
  };
  function draftOf(): PickupDraft {
    return {
      order: pickupOrder,
      proof: 'code',
      lines: [
        {
          lineId: 'L1',
          sku: 'TEE-01-BK-M',
          name: '纯棉圆领T恤 黑 M',
          quantity: 2,
          pickedUp: 0,
          left: 2,
          net: 19800,
        },
        {
          lineId: 'L2',
          sku: 'CAP-03',
          name: '棒球帽',
          quantity: 1,
          pickedUp: 0,
          left: 1,
          net: 5900,
        },
      ],
      blocked: null,
      lastPickup: null,
    };
  }

  const floor = createFakeFloor({
    online: () => online,
    signedIn: () => signedIn?.id ?? null,
    member: {
      memberId: members[0]!.memberId,
      maskedPhone: maskPhone(members[0]!.phone),
      maskedName: members[0]!.maskedName,
      tier: members[0]!.tier,
    },
    catalog: {
      style: TEE,
      names: Object.fromEntries(PRODUCTS.map((p) => [p.product.id, p.product.name])),
      gtinOf: (sku) => PRODUCTS.find((p) => p.product.id === sku)?.product.gtin ?? '00000000000000',
      storeNames: Object.fromEntries([
        ['S001', '静安店'],
        ...OTHER_STORES.map((s) => [s.storeId, s.name]),
      ]),
    },
  });

  const transfers = createFakeTransfers({
    online: () => online,
    signedIn: () => signedIn?.id ?? null,
    products: [1, 5, 6, 8].map((i) => PRODUCTS[i % PRODUCTS.length]!.product),
    changed,
  });

  const hub: TabletHub = {
    connected: () => true,
    onConnection: () => () => {},
    onTagRead: () => () => {},
    onScan(listener) {
      scanListeners.add(listener);
      return () => scanListeners.delete(listener);
    },
    bridge: {
      printReceipt: async () => ({ printed: true }),
      printDocument: async () => ({ printed: true }),
      onDeviceStatus: () => () => {},
    } as unknown as TabletHub['bridge'],
  };

  const cameraReaders = new Set<(text: string) => void>();
  const camera: TabletCamera = {
    available: async () => true,
    async start(video, onCode) {
      cameraReaders.add(onCode);
      // A grey test card stands in for the rear camera.
      const canvas = document.createElement('canvas');
      canvas.width = 640;
      canvas.height = 360;
      const g = canvas.getContext('2d');
      if (g) {
        g.fillStyle = '#3a3f44';
        g.fillRect(0, 0, 640, 360);
        g.strokeStyle = '#9be28a';
        g.lineWidth = 4;
        g.strokeRect(170, 110, 300, 140);
      }
      video.srcObject = canvas.captureStream(1);
      return () => {
        cameraReaders.delete(onCode);
        video.srcObject = null;
      };
    },
  };

  const sync: TabletSync = {
    online: () => online,
    waiting: () => queue.filter((q) => q.state === 'queued').length,
    lastSync: () => (online ? iso(20_000) : iso(47 * MIN)),
    watch(listener) {
      syncListeners.add(listener);
      return () => syncListeners.delete(listener);
    },
  };

  return {
    config: { storeId: 'S001', storeName: '静安店', deviceId: 'S001-TAB1', utcOffsetMinutes: 480 },
    session,
    clerk,
    fitting: floor.fitting,
    counts: floor.counts,
    transfers: transfers.desk,
    pickup,
    search: async (text) =>
      PRODUCTS.filter(
        (p) => p.product.name.includes(text) || p.product.id.includes(text.toUpperCase()),
      ).map((p) => ({
        product: p.product,
        price: {
          id: `default:${p.product.id}`,
          priceList: 'default',
          sku: p.product.id,
          amount: p.price,
          currency: 'CNY',
        },
        stock:
          HERE[p.product.id] === undefined
            ? { known: false }
            : { known: true, onHand: HERE[p.product.id]!, atp: HERE[p.product.id]! },
      })),
    async stock(sku) {
      const atp = HERE[sku];
      return atp === undefined ? { known: false } : { known: true, onHand: atp, atp };
    },
    hub,
    camera,
    sync,
    setOnline(value) {
      online = value;
      changed();
    },
    scan(code) {
      scanListeners.forEach((l) => l(code));
    },
    readTag(epc) {
      floor.readTag(epc);
      transfers.readTag(epc);
    },
    transferEpc: transfers.epcOf,
    showCamera(code) {
      cameraReaders.forEach((read) => read(code));
    },
  };
}
