/**
 * A deterministic synthetic chain for benchmarks: SKUs with Chinese and
 * English names (brand, item, flavour, size), prices, members, a store's
 * online orders for pickup, and a fashion store's tagged items (EPCs). The
 * same index always gives the same document.
 */
import {
  encodeSgtin96,
  foldOrderEvents,
  heldUnitsId,
  memberView,
  storeItemsDocId,
  storeOrderId,
  withCheckDigit,
  type CodeKey,
  type HeldUnits,
  type IndexKey,
  type Member,
  type MemberRecord,
  type Order,
  type OrderEvent,
  type Price,
  type Product,
  type StoreItemsDoc,
  type StoreOrder,
} from '@pos/domain';
import { INDEX_KEY_FIXTURE } from '@pos/domain/fixtures';

const BRANDS: [string, string][] = [
  ['伊利', 'Yili'],
  ['蒙牛', 'Mengniu'],
  ['光明', 'Bright'],
  ['海天', 'Haday'],
  ['李锦记', 'Lee Kum Kee'],
  ['康师傅', 'Master Kong'],
  ['统一', 'Uni-President'],
  ['农夫山泉', 'Nongfu Spring'],
  ['旺旺', 'Want Want'],
  ['三只松鼠', 'Three Squirrels'],
  ['良品铺子', 'Bestore'],
  ['金龙鱼', 'Arawana'],
  ['雀巢', 'Nestle'],
  ['可口可乐', 'Coca-Cola'],
  ['百事', 'Pepsi'],
  ['娃哈哈', 'Wahaha'],
  ['老干妈', 'Lao Gan Ma'],
  ['立白', 'Liby'],
  ['蓝月亮', 'Blue Moon'],
  ['心相印', 'Hearttex'],
];

const ITEMS: [string, string][] = [
  ['纯牛奶', 'Pure Milk'],
  ['酸奶', 'Yogurt'],
  ['酱油', 'Soy Sauce'],
  ['蚝油', 'Oyster Sauce'],
  ['方便面', 'Instant Noodles'],
  ['矿泉水', 'Mineral Water'],
  ['绿茶', 'Green Tea'],
  ['红茶', 'Black Tea'],
  ['饼干', 'Biscuits'],
  ['坚果', 'Mixed Nuts'],
  ['食用油', 'Cooking Oil'],
  ['咖啡', 'Coffee'],
  ['可乐', 'Cola'],
  ['果汁', 'Juice'],
  ['辣椒酱', 'Chili Sauce'],
  ['洗衣液', 'Laundry Liquid'],
  ['纸巾', 'Tissues'],
  ['大米', 'Rice'],
  ['面包', 'Bread'],
  ['巧克力', 'Chocolate'],
];

const FLAVOURS: [string, string][] = [
  ['原味', 'Original'],
  ['草莓', 'Strawberry'],
  ['香草', 'Vanilla'],
  ['低糖', 'Low Sugar'],
  ['无糖', 'Sugar Free'],
  ['经典', 'Classic'],
  ['家庭装', 'Family Pack'],
  ['有机', 'Organic'],
  ['清香', 'Light'],
  ['特浓', 'Extra Strong'],
];

const SIZES = ['250ml', '500ml', '1L', '1.5L', '100g', '500g', '1kg', '5kg', '6 pcs', '12 pcs'];

const pick = <T>(items: readonly T[], i: number): T => items[i % items.length]!;

/** The i-th synthetic SKU; the same i always gives the same product. */
export function syntheticProduct(i: number): { product: Product; price: Price } {
  const sku = `SKU-${String(i).padStart(7, '0')}`;
  const gtin = withCheckDigit(`69${String(i).padStart(10, '0')}`);
  const [brand, brandEn] = pick(BRANDS, i);
  const [item, itemEn] = pick(ITEMS, Math.floor(i / 7));
  const [flavour, flavourEn] = pick(FLAVOURS, Math.floor(i / 13));
  const size = pick(SIZES, Math.floor(i / 3));
  return {
    product: {
      id: sku,
      name: `${brand}${flavour}${item} ${brandEn} ${flavourEn} ${itemEn} ${size}`,
      gtin: gtin.padStart(14, '0'),
      category: `C${i % 200}`,
      brand: brandEn,
      taxClass: i % 3 === 0 ? 'VAT9' : 'VAT13',
      status: 'active',
    },
    price: {
      id: `CN-LIST:${sku}`,
      priceList: 'CN-LIST',
      sku,
      amount: 100 + (i % 50_000),
      currency: 'CNY',
    },
  };
}

/** The i-th synthetic member's mobile number (unique below 10^9). */
export function syntheticPhone(i: number): string {
  return `13${String((i * 7_919 + 12_345) % 1_000_000_000).padStart(9, '0')}`;
}

/** The i-th synthetic member of store `storeId`, as HQ writes them (plaintext). */
export function syntheticMemberRecord(i: number, storeId = 'S001'): MemberRecord {
  return {
    id: `M${String(i).padStart(8, '0')}`,
    phone: syntheticPhone(i),
    name: `会员 ${i}`,
    tier: pick(['basic', 'silver', 'gold'], i),
    homeStoreId: storeId,
    points: i % 5000,
    status: 'active',
  };
}

/**
 * The i-th synthetic member as a till's replica holds them: masked, with the
 * phone's blind indexes under `key` (the demo chain's by default).
 */
export function syntheticMember(
  i: number,
  storeId = 'S001',
  key: IndexKey = INDEX_KEY_FIXTURE,
): Member {
  return memberView(syntheticMemberRecord(i, storeId), key);
}

/** The store's pickup key (6-digit codes, [PU1]) and the chain's pickup QR key ([PU4]) of the benchmark. */
export const BENCH_PICKUP_STORE_KEY: CodeKey = {
  id: 'S001-PK1',
  secret: new Uint8Array(32).map((_, i) => (i * 37 + 11) & 0xff),
};
export const BENCH_PICKUP_QR_KEY: CodeKey = {
  id: 'QR1',
  secret: new Uint8Array(32).map((_, i) => (i * 53 + 7) & 0xff),
};

const DAY_MS = 86_400_000;

/** A 32-bit mix of i, so neighbouring orders get unrelated order numbers. */
function mix32(i: number): number {
  let x = (i + 0x9e3779b9) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b) >>> 0;
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

/** The i-th synthetic online order's id, shaped as the server makes them (`ORD-` and a UUID). */
export function syntheticOrderId(i: number): string {
  const head = mix32(i).toString(16).toUpperCase().padStart(8, '0');
  return `ORD-${head}-0000-4000-8000-${i.toString(16).toUpperCase().padStart(12, '0')}`;
}

/**
 * The share of a store's orders still waiting for pickup: the newest ones
 * (about the last two days of a store taking 220 online orders a day).
 */
export const OPEN_ORDER_SHARE = 0.02;

/** Whether the i-th of `count` orders is still open for pickup (paid or ready, not collected). */
export const isOpenOrder = (i: number, count: number): boolean =>
  i >= count - Math.ceil(count * OPEN_ORDER_SHARE);

/**
 * The i-th of `count` online orders of store `storeId` as the server sends it
 * to the store's devices (`storeState` kind `order`, [OF2]): placed in the
 * shop or the mini-program by a member for pickup at the store, 1 to 4 lines
 * of the first `skus` SKUs, spread over the 90 days before `now`. Made by
 * folding the order's facts with the domain's rules: the oldest are picked
 * up (some expired unpaid or cancelled), the newest paid and ready.
 */
export function syntheticStoreOrder(
  i: number,
  count: number,
  skus: number,
  now: number,
  storeId = 'S001',
): StoreOrder {
  const orderId = syntheticOrderId(i);
  const placed = now - ((count - i) / count) * 90 * DAY_MS;
  const at = (offsetMs: number) => new Date(placed + offsetMs).toISOString();
  const lines = Array.from({ length: 1 + (mix32(i) % 4) }, (_, n) => {
    const { product, price } = syntheticProduct(mix32(i * 4 + n + 1) % skus);
    const quantity = 1 + (n % 2);
    return {
      lineId: `L${n + 1}`,
      sku: product.id,
      quantity,
      unitPrice: price.amount,
      net: price.amount * quantity,
      fulfilment: { mode: 'pickup' as const, storeId },
    };
  });
  const events: OrderEvent[] = [
    {
      kind: 'placed',
      id: `${orderId}:placed`,
      at: at(0),
      orderId,
      channel: i % 3 === 0 ? 'mini-program' : 'shop',
      customer: { memberId: `M${String(mix32(i) % 200_000).padStart(8, '0')}` },
      lines,
      total: lines.reduce((sum, l) => sum + l.net, 0),
    },
    { kind: 'held', id: `${orderId}:held`, at: at(1_000), holdExpiresAt: at(15 * 60_000) },
  ];
  const open = isOpenOrder(i, count);
  if (!open && i % 25 === 0) {
    events.push({ kind: 'expired', id: `${orderId}:expired`, at: at(16 * 60_000) });
  } else {
    events.push({
      kind: 'paid',
      id: `${orderId}:paid`,
      at: at(60_000),
      pickupDeadline: at(3 * DAY_MS),
    });
    if (open && i % 2 === 0) {
      // Paid, not ready yet.
    } else if (!open && i % 40 === 1) {
      events.push(
        { kind: 'cancelled', id: `${orderId}:cancelled`, at: at(2 * 3_600_000) },
        { kind: 'refunded', id: `${orderId}:refunded`, at: at(2 * 3_600_000 + 1_000) },
      );
    } else {
      events.push({ kind: 'ready', id: `${orderId}:ready`, at: at(3_600_000) });
      if (!open) {
        for (const line of lines) {
          events.push({
            kind: 'picked-up',
            id: `${orderId}:pickup:${line.lineId}`,
            at: at(DAY_MS),
            lineId: line.lineId,
            quantity: line.quantity,
          });
        }
      }
    }
  }
  const folded = foldOrderEvents(events);
  if (!folded.ok) throw new Error(`synthetic order ${i}: ${folded.message}`);
  const order: Order = folded.order;
  const updatedAt = events.at(-1)!.at;
  return { id: storeOrderId(orderId, storeId), kind: 'order', storeId, updatedAt, order };
}

/** [ATP3] The units the open orders hold at the store, one `held` document per SKU. */
export function syntheticHeldUnits(
  count: number,
  skus: number,
  now: number,
  storeId = 'S001',
): HeldUnits[] {
  const held = new Map<string, number>();
  for (let i = count - Math.ceil(count * OPEN_ORDER_SHARE); i < count; i++) {
    for (const line of syntheticStoreOrder(i, count, skus, now, storeId).order.lines) {
      held.set(line.sku, (held.get(line.sku) ?? 0) + line.quantity);
    }
  }
  const updatedAt = new Date(now).toISOString();
  return [...held].map(([sku, units]) => ({
    id: heldUnitsId(storeId, sku),
    kind: 'held',
    storeId,
    sku,
    held: units,
    updatedAt,
  }));
}

/**
 * A fashion store's tagged garments: each SKU (a colour and size) has this
 * many items, of which one in five was sold (the `sold` list lets a till
 * refuse a sold tag offline, [IT4]).
 */
export const ITEMS_PER_SKU = 10;

/** The k-th tagged item of the store: its EPC (SGTIN-96 of its SKU's GTIN, serial k + 1) and SKU index. */
export function syntheticEpc(k: number): { epc: string; skuIndex: number; sold: boolean } {
  const skuIndex = Math.floor(k / ITEMS_PER_SKU);
  const encoded = encodeSgtin96({
    gtin: syntheticProduct(skuIndex).product.gtin,
    serial: k + 1,
  });
  if (!encoded.ok) throw new Error(`EPC ${k}: ${encoded.message}`);
  return { epc: encoded.epc, skuIndex, sold: k % 5 === 4 };
}

/**
 * The `items` document ([IT4]) of the store's SKU `skuIndex`, holding its
 * items among the store's first `epcs` ones: sellable and sold EPCs, sorted.
 */
export function syntheticStoreItems(
  skuIndex: number,
  epcs: number,
  now: number,
  storeId = 'S001',
): StoreItemsDoc {
  const { product } = syntheticProduct(skuIndex);
  const sellable: string[] = [];
  const sold: string[] = [];
  const first = skuIndex * ITEMS_PER_SKU;
  for (let k = first; k < Math.min(epcs, first + ITEMS_PER_SKU); k++) {
    const item = syntheticEpc(k);
    (item.sold ? sold : sellable).push(item.epc);
  }
  return {
    id: storeItemsDocId(storeId, product.id),
    kind: 'items',
    storeId,
    sku: product.id,
    gtin: product.gtin,
    sellable: sellable.sort(),
    sold: sold.sort(),
    updatedAt: new Date(now).toISOString(),
  };
}
