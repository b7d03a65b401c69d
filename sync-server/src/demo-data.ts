/**
 * Demo data: a chain of two Shanghai stores, twenty products, their prices and
 * stock, and one POS device per store. The device tokens below are public
 * demo values: never provision them on a server that holds real data.
 */
import {
  parseGtin,
  stockLevelId,
  withCheckDigit,
  type CollectionName,
  type Price,
  type Product,
  type StockLevel,
  type Store,
  type TaxClass,
} from '@pos/domain';
import { provisionDevice } from './auth';
import { loadDocs } from './bulk-load';
import {
  DEMO_CLERKS,
  DEMO_COMMISSION_RULES,
  DEMO_STYLE,
  DEMO_STYLE_PRICES,
  DEMO_STYLE_PRODUCTS,
  DEMO_STYLE_STOCK,
  DEMO_TABLETS,
  DEMO_FITTING_ROOM_SERVICES,
} from './demo-clerk';
import { seedDemoPeople } from './demo-people';
import { seedDemoItems } from './demo-rfid';
import { writeLocations, type StoredLocation } from './orders/locations';
import { writeShelfSlots } from './orders/shipments';
import { writeStoreLocations } from './shop/catalog';
import { writeCouponCampaigns, type CouponCampaign } from './shop/coupons';
import { DEMO_PRIVACY_KEYS, type PrivacyKeys } from './pii/keyring';
import type { JsonObject } from './protocol';
import type { SyncStorage } from './storage/storage';

export const DEMO_PRICE_LIST = 'CN-LIST';
export const DEMO_CURRENCY = 'CNY';

export const DEMO_STORES: Store[] = [
  {
    id: 'S001',
    name: "静安店 Jing'an",
    address: "上海市静安区南京西路 1000 号 1000 West Nanjing Rd, Jing'an, Shanghai",
    currency: DEMO_CURRENCY,
    status: 'open',
  },
  {
    id: 'S002',
    name: '徐汇店 Xuhui',
    address: '上海市徐汇区漕溪北路 200 号 200 North Caoxi Rd, Xuhui, Shanghai',
    currency: DEMO_CURRENCY,
    status: 'open',
  },
];

/**
 * [SHP4] Where the demo stores are: the shop shows customers the nearest.
 * Kept server-side beside the stores (the tills do not need them).
 */
export const DEMO_STORE_LOCATIONS: StoredLocation[] = [
  // [RO10] Named as the stores are, so a routing explanation reads "静安店 Jing'an (1.2 km)".
  {
    id: 'S001',
    name: "静安店 Jing'an",
    city: '上海',
    cityEn: 'Shanghai',
    lat: 31.2286,
    lng: 121.4547,
  },
  {
    id: 'S002',
    name: '徐汇店 Xuhui',
    city: '上海',
    cityEn: 'Shanghai',
    lat: 31.1885,
    lng: 121.4365,
  },
];

/**
 * [RS1] The demo chain's regional warehouse: ships parcels only, all day,
 * preferred over the stores when all else ties (rank 0). Not a store: the
 * shop's store finder does not list it.
 */
export const DEMO_WAREHOUSE: StoredLocation = {
  id: 'W01',
  city: '上海',
  cityEn: 'Shanghai',
  name: '嘉定仓 Jiading Warehouse',
  lat: 31.3747,
  lng: 121.2655,
  kind: 'warehouse',
  modes: ['ship'],
  hours: [{ days: [0, 1, 2, 3, 4, 5, 6], open: '00:00', close: '24:00' }],
  dailyCapacity: 2000,
  rank: 0,
};

/** [RS1] The SKUs the warehouse does not carry: chilled and bottled drinks stay with the stores. */
export const DEMO_WAREHOUSE_LACKS = ['SKU-0001', 'SKU-0004', 'SKU-0013'];

/**
 * [RP1] A ship order the demo data routes to two stores: water only S001
 * can spare 5 of, sparkling water only S002 can spare 14 of (both too cheap
 * to split, [RO6]; the warehouse carries neither), and milk anywhere.
 */
export const DEMO_TWO_STORE_ORDER: { sku: string; quantity: number }[] = [
  { sku: 'SKU-0001', quantity: 5 },
  { sku: 'SKU-0013', quantity: 14 },
  { sku: 'SKU-0003', quantity: 1 },
];

/** [SHP10] The coupon the demo shop's members claim: 10元 off 30元, one each, 1000 in all. */
export const DEMO_COUPON_CAMPAIGNS: CouponCampaign[] = [
  {
    id: 'ONLINE-10',
    status: 'open',
    perMember: 1,
    total: 1000,
    issued: 0,
    coupon: {
      name: '网店专享10元券 Online ¥10 off',
      benefit: { kind: 'amount', amount: 1_000 },
      minSpend: 3_000,
      validFrom: '2025-12-31T16:00:00.000Z',
      validTo: '2027-12-31T16:00:00.000Z',
      target: {},
      combinesWith: { mode: 'all-promotions' },
      combinesWithCoupons: false,
    },
  },
];

/** Demo only: these tokens are published in the README. */
export const DEMO_DEVICES = [
  { deviceId: 'S001-POS1', storeId: 'S001', token: 'demo-s001-pos1' },
  { deviceId: 'S002-POS1', storeId: 'S002', token: 'demo-s002-pos1' },
] as const;

// name, category, tax class, price in fen
const CATALOG: [string, string, TaxClass, number][] = [
  ['农夫山泉 550ml', 'Beverages', 'VAT13', 200],
  ['康师傅红烧牛肉面 Instant Noodles 5-pack', 'Grocery', 'VAT13', 1290],
  ['伊利纯牛奶 Pure Milk 250ml×12', 'Dairy', 'VAT9', 6500],
  ['可口可乐 Coca-Cola 330ml', 'Beverages', 'VAT13', 350],
  ['五常大米 Wuchang Rice 5kg', 'Grocery', 'VAT9', 8990],
  ['金龙鱼花生油 Peanut Oil 1.8L', 'Grocery', 'VAT9', 4590],
  ['海天酱油 Soy Sauce 500ml', 'Grocery', 'VAT13', 1350],
  ['奥利奥 Oreo Original 97g', 'Snacks', 'VAT13', 790],
  ['三只松鼠 Mixed Nuts 750g', 'Snacks', 'VAT13', 9900],
  ['新鲜鸡蛋 Fresh Eggs 10 pcs', 'Fresh', 'VAT9', 1590],
  ['维达抽纸 Vinda Tissue 3-pack', 'Household', 'VAT13', 1690],
  ['蓝月亮洗衣液 Laundry Liquid 2kg', 'Household', 'VAT13', 3990],
  ['元气森林 Sparkling Water 480ml', 'Beverages', 'VAT13', 550],
  ['纯棉圆领T恤 Cotton Crew Tee M', 'Apparel', 'VAT13', 7900],
  ['纯棉圆领T恤 Cotton Crew Tee L', 'Apparel', 'VAT13', 7900],
  ['修身牛仔裤 Slim Jeans 32', 'Apparel', 'VAT13', 19900],
  ['羽绒背心 Down Vest M', 'Apparel', 'VAT13', 29900],
  ['运动袜 Sports Socks 3 pairs', 'Apparel', 'VAT13', 3900],
  ['棒球帽 Baseball Cap', 'Apparel', 'VAT13', 5900],
  ['帆布购物袋 Canvas Tote Bag', 'Accessories', 'VAT13', 2900],
];

/** An EAN-13 with a Chinese GS1 prefix (690-695), normalised to 14 digits. */
function demoGtin(index: number): string {
  const ean13 = withCheckDigit(`69${index % 6}4321${String(index + 1).padStart(5, '0')}`);
  const parsed = parseGtin(ean13);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.gtin;
}

export const DEMO_PRODUCTS: Product[] = CATALOG.map(([name, category, taxClass], i) => ({
  id: `SKU-${String(i + 1).padStart(4, '0')}`,
  name,
  gtin: demoGtin(i),
  category,
  taxClass,
  status: 'active',
}));

export const DEMO_PRICES: Price[] = CATALOG.map(([, , , amount], i) => {
  const sku = DEMO_PRODUCTS[i]!.id;
  return {
    id: `${DEMO_PRICE_LIST}:${sku}`,
    priceList: DEMO_PRICE_LIST,
    sku,
    amount,
    currency: 'CNY',
  };
});

export const DEMO_STOCK: StockLevel[] = DEMO_STORES.flatMap((store, s) =>
  DEMO_PRODUCTS.map((product, i) => ({
    id: stockLevelId(store.id, product.id),
    storeId: store.id,
    sku: product.id,
    onHand: s === 0 ? 10 + ((i * 7) % 40) : 5 + ((i * 11) % 30),
  })),
);

/** [RS1] The warehouse's stock: 200 of every SKU it carries. */
export const DEMO_WAREHOUSE_STOCK: StockLevel[] = DEMO_PRODUCTS.filter(
  (p) => !DEMO_WAREHOUSE_LACKS.includes(p.id),
).map((product) => ({
  id: stockLevelId(DEMO_WAREHOUSE.id, product.id),
  storeId: DEMO_WAREHOUSE.id,
  sku: product.id,
  onHand: 200,
}));

const AISLE_OF_CATEGORY: Record<string, string> = {
  Beverages: 'A01',
  Grocery: 'A02',
  Snacks: 'A03',
  Dairy: 'B01',
  Fresh: 'B02',
  Household: 'C01',
  Apparel: 'D01',
  Accessories: 'D02',
};

/** [RP7] Where each demo SKU sits in each location: its category's aisle, then a shelf 1-4. */
export const DEMO_SHELF_SLOTS = [...DEMO_STORES.map((s) => s.id), DEMO_WAREHOUSE.id].flatMap(
  (storeId) =>
    DEMO_PRODUCTS.map((product, i) => ({
      storeId,
      sku: product.id,
      aisle: `${AISLE_OF_CATEGORY[product.category] ?? 'Z99'}-${(i % 4) + 1}`,
    })),
);

/**
 * What to seed, collection by collection. Chain-wide documents are brought to
 * the demo values; stock is only created, because after that sales own it.
 */
const SEED: { db: CollectionName; docs: readonly JsonObject[]; createOnly: boolean }[] = [
  { db: 'stores', docs: DEMO_STORES, createOnly: false },
  { db: 'products', docs: DEMO_PRODUCTS, createOnly: false },
  { db: 'prices', docs: DEMO_PRICES, createOnly: false },
  { db: 'stock', docs: DEMO_STOCK, createOnly: true },
  { db: 'stock', docs: DEMO_WAREHOUSE_STOCK, createOnly: true },
  // [DM3] The clerk tablet's style, its SKUs, the commission table and the clerks.
  { db: 'products', docs: DEMO_STYLE_PRODUCTS, createOnly: false },
  { db: 'prices', docs: DEMO_STYLE_PRICES, createOnly: false },
  { db: 'stock', docs: DEMO_STYLE_STOCK, createOnly: true },
  { db: 'chain', docs: [DEMO_STYLE, DEMO_COMMISSION_RULES], createOnly: false },
  { db: 'staff', docs: DEMO_CLERKS, createOnly: false },
];

/**
 * Seeds the demo chain and provisions the demo devices. Idempotent: a second
 * run writes nothing (returns 0) and changes no revision or sequence.
 */
export async function seedDemo(
  storage: SyncStorage,
  privacy: PrivacyKeys = DEMO_PRIVACY_KEYS,
): Promise<{ written: number }> {
  const written = await storage.transaction(async (tx) => {
    let count = 0;
    for (const { db, docs, createOnly } of SEED) {
      const { created, updated } = await loadDocs(tx, db, docs, { createOnly });
      count += created + updated;
    }
    count += await writeStoreLocations(tx, DEMO_STORE_LOCATIONS);
    count += await writeLocations(tx, [DEMO_WAREHOUSE]);
    count += await writeShelfSlots(tx, DEMO_SHELF_SLOTS);
    count += await writeCouponCampaigns(tx, DEMO_COUPON_CAMPAIGNS);
    count += await seedDemoPeople(tx, privacy);
    // [RI14] The tees' RFID tags.
    count += await seedDemoItems(tx);
    return count;
  });
  for (const { token, deviceId, storeId } of [
    ...DEMO_DEVICES,
    ...DEMO_TABLETS,
    ...DEMO_FITTING_ROOM_SERVICES,
  ]) {
    await provisionDevice(storage, token, { deviceId, storeId });
  }
  return { written };
}
