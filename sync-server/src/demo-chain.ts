/**
 * A deterministic demo chain of any size: stores, products with EAN-13
 * barcodes, prices, stock per store, staff, members, promotions and coupons.
 * Each document is a function of (seed, index) alone, so a chain of 300 000
 * SKUs and 1 000 000 members is written batch by batch in bounded memory, and
 * the same seed always gives the same documents. [DC1]-[DC2]
 *
 * Demo values only: every generated staff member's PIN is DEMO_STAFF_PIN.
 */
import {
  hashPin,
  parseGtin,
  stockLevelId,
  withCheckDigit,
  type CollectionName,
  type Coupon,
  type MemberRecord,
  type Price,
  type Product,
  type Promotion,
  type Role,
  type Staff,
  type StockLevel,
  type Store,
  type TaxClass,
} from '@pos/domain';
import type { StoredLocation } from './orders/locations';
import type { JsonObject } from './protocol';

export type ChainSize = {
  stores: number;
  skus: number;
  members: number;
  /** SKUs each store stocks (its assortment); at most `skus`. */
  assortment: number;
  promotions: number;
  coupons: number;
};

export const DEFAULT_CHAIN: ChainSize = {
  stores: 20,
  skus: 2000,
  members: 10_000,
  assortment: 1000,
  promotions: 50,
  coupons: 1000,
};

export const DEMO_CHAIN_PRICE_LIST = 'CN-LIST';
export const DEMO_STAFF_PIN = '1234';
/** Promotions and coupons run from this instant, so output never depends on the clock. */
export const DEMO_CHAIN_EPOCH = Date.parse('2026-01-01T00:00:00Z');

/** A 32-bit hash of small integers (murmur3's finaliser over each part). */
function hash32(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = Math.imul(h ^ (part | 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** mulberry32, seeded per document: (seed, stream, index) fixes every draw. */
export class Draw {
  private state: number;

  constructor(seed: number, stream: number, index: number) {
    this.state = hash32(seed, stream, index);
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

const STREAM = {
  stores: 1,
  products: 2,
  prices: 3,
  stock: 4,
  staff: 5,
  members: 6,
  promotions: 7,
  coupons: 8,
  locations: 9,
} as const;

const pad = (n: number, width: number) => String(n).padStart(width, '0');

// --- Stores -----------------------------------------------------------------

const CITIES: [string, string][] = [
  ['上海', 'Shanghai'],
  ['北京', 'Beijing'],
  ['广州', 'Guangzhou'],
  ['深圳', 'Shenzhen'],
  ['杭州', 'Hangzhou'],
  ['成都', 'Chengdu'],
  ['南京', 'Nanjing'],
  ['武汉', 'Wuhan'],
  ['西安', "Xi'an"],
  ['重庆', 'Chongqing'],
  ['苏州', 'Suzhou'],
  ['天津', 'Tianjin'],
];

const ROADS: [string, string][] = [
  ['南京西路', 'West Nanjing Rd'],
  ['人民路', 'Renmin Rd'],
  ['中山路', 'Zhongshan Rd'],
  ['解放路', 'Jiefang Rd'],
  ['建国路', 'Jianguo Rd'],
  ['淮海中路', 'Middle Huaihai Rd'],
  ['长江路', 'Changjiang Rd'],
  ['和平路', 'Heping Rd'],
  ['文化路', 'Wenhua Rd'],
  ['新华路', 'Xinhua Rd'],
  ['体育路', 'Tiyu Rd'],
  ['滨江大道', 'Binjiang Ave'],
];

export function storeId(index: number): string {
  return `S${pad(index + 1, 4)}`;
}

export function chainStore(seed: number, index: number): Store {
  const d = new Draw(seed, STREAM.stores, index);
  const [city, cityEn] = d.pick(CITIES);
  const [road, roadEn] = d.pick(ROADS);
  const number = d.int(1, 1999);
  return {
    id: storeId(index),
    name: `${city}${road}店 ${cityEn} ${roadEn}`,
    address: `${city}市${road} ${number} 号, ${number} ${roadEn}, ${cityEn}`,
    currency: 'CNY',
    status: d.chance(0.02) ? 'closed' : 'open',
  };
}

// --- Fulfilment locations --------------------------------------------------

/** Each city's centre, in the order of CITIES. */
const CITY_CENTRES: [number, number][] = [
  [31.2304, 121.4737],
  [39.9042, 116.4074],
  [23.1291, 113.2644],
  [22.5431, 114.0579],
  [30.2741, 120.1551],
  [30.5728, 104.0668],
  [32.0603, 118.7969],
  [30.5928, 114.3055],
  [34.3416, 108.9398],
  [29.563, 106.5516],
  [31.2989, 120.5853],
  [39.3434, 117.3616],
];

/** [DC3] One regional warehouse per this many stores (at least one). */
export const STORES_PER_WAREHOUSE = 25;

export function warehouseCount(size: Pick<ChainSize, 'stores'>): number {
  return Math.max(1, Math.ceil(size.stores / STORES_PER_WAREHOUSE));
}

export function warehouseId(index: number): string {
  return `W${pad(index + 1, 3)}`;
}

const round = (n: number) => Math.round(n * 1e5) / 1e5;

/**
 * [DC3] Store `index`'s location: within about 12 km of its city's centre,
 * open 10:00-22:00 (one in five 08:00-23:00), 100-300 parcels a day, rank 10.
 */
export function chainStoreLocation(seed: number, index: number): StoredLocation {
  const city = new Draw(seed, STREAM.stores, index).pick(CITIES);
  const [lat, lng] = CITY_CENTRES[CITIES.indexOf(city)]!;
  const d = new Draw(seed, STREAM.locations, index);
  const long = d.chance(0.2);
  return {
    id: storeId(index),
    city: city[0],
    cityEn: city[1],
    name: chainStore(seed, index).name,
    lat: round(lat + (d.next() - 0.5) * 0.22),
    lng: round(lng + (d.next() - 0.5) * 0.22),
    kind: 'store',
    modes: ['pickup', 'ship', 'same-city'],
    hours: [
      {
        days: [0, 1, 2, 3, 4, 5, 6],
        open: long ? '08:00' : '10:00',
        close: long ? '23:00' : '22:00',
      },
    ],
    dailyCapacity: d.int(100, 300),
    rank: 10,
  };
}

/** [DC3] Warehouse `index`: on its city's outskirts, ship only, all day, 2000-5000 parcels a day, rank 0. */
export function chainWarehouse(seed: number, index: number): StoredLocation {
  const city = CITIES[index % CITIES.length]!;
  const [lat, lng] = CITY_CENTRES[index % CITIES.length]!;
  const d = new Draw(seed, STREAM.locations, 1_000_000 + index);
  const angle = d.next() * 2 * Math.PI;
  return {
    id: warehouseId(index),
    city: city[0],
    cityEn: city[1],
    name: `${city[0]}${pad(index + 1, 3)}仓 ${city[1]} Warehouse ${index + 1}`,
    lat: round(lat + Math.sin(angle) * 0.25),
    lng: round(lng + Math.cos(angle) * 0.25),
    kind: 'warehouse',
    modes: ['ship'],
    hours: [{ days: [0, 1, 2, 3, 4, 5, 6], open: '00:00', close: '24:00' }],
    dailyCapacity: d.int(2000, 5000),
    rank: 0,
  };
}

/**
 * [DC3] Warehouse stock level `index`: each warehouse carries a window of
 * `assortment` SKUs of the catalog, 50-500 of each.
 */
export function chainWarehouseStock(seed: number, size: ChainSize, index: number): StockLevel {
  const assortment = Math.min(size.assortment, size.skus);
  const w = Math.floor(index / assortment);
  const skuIndex = (((w * 104_729) % size.skus) + (index % assortment)) % size.skus;
  const d = new Draw(seed, STREAM.locations, 2_000_000 + index);
  return {
    id: stockLevelId(warehouseId(w), sku(skuIndex)),
    storeId: warehouseId(w),
    sku: sku(skuIndex),
    onHand: d.int(50, 500),
  };
}

export function warehouseStockCount(size: ChainSize): number {
  return warehouseCount(size) * Math.min(size.assortment, size.skus);
}

// --- Products and prices ----------------------------------------------------

type Category = {
  name: string;
  zh: string;
  taxClass: TaxClass;
  /** Price range in yuan. */
  yuan: [number, number];
  brands: [string, string][];
  items: [string, string][];
  sizes: string[];
};

const CATEGORIES: Category[] = [
  {
    name: 'Beverages',
    zh: '饮料',
    taxClass: 'VAT13',
    yuan: [2, 30],
    brands: [
      ['农夫山泉', 'Nongfu Spring'],
      ['可口可乐', 'Coca-Cola'],
      ['元气森林', 'Genki Forest'],
      ['康师傅', 'Master Kong'],
      ['怡宝', "C'estbon"],
    ],
    items: [
      ['矿泉水', 'Mineral Water'],
      ['苏打水', 'Soda Water'],
      ['绿茶', 'Green Tea'],
      ['柠檬茶', 'Lemon Tea'],
      ['橙汁', 'Orange Juice'],
      ['气泡水', 'Sparkling Water'],
    ],
    sizes: ['330ml', '500ml', '550ml', '1.5L', '330ml×6', '500ml×12'],
  },
  {
    name: 'Dairy',
    zh: '乳品',
    taxClass: 'VAT9',
    yuan: [5, 90],
    brands: [
      ['伊利', 'Yili'],
      ['蒙牛', 'Mengniu'],
      ['光明', 'Bright'],
      ['君乐宝', 'Junlebao'],
    ],
    items: [
      ['纯牛奶', 'Pure Milk'],
      ['酸奶', 'Yogurt'],
      ['低脂奶', 'Low-fat Milk'],
      ['奶酪棒', 'Cheese Sticks'],
    ],
    sizes: ['250ml', '250ml×12', '1L', '200g', '100g×8'],
  },
  {
    name: 'Grocery',
    zh: '粮油调味',
    taxClass: 'VAT9',
    yuan: [4, 120],
    brands: [
      ['金龙鱼', 'Arawana'],
      ['海天', 'Haday'],
      ['五常', 'Wuchang'],
      ['李锦记', 'Lee Kum Kee'],
      ['老干妈', 'Lao Gan Ma'],
    ],
    items: [
      ['大米', 'Rice'],
      ['花生油', 'Peanut Oil'],
      ['酱油', 'Soy Sauce'],
      ['香醋', 'Vinegar'],
      ['辣椒酱', 'Chili Sauce'],
      ['挂面', 'Noodles'],
    ],
    sizes: ['500ml', '1.8L', '5kg', '2.5kg', '280g', '1kg'],
  },
  {
    name: 'Snacks',
    zh: '零食',
    taxClass: 'VAT13',
    yuan: [3, 99],
    brands: [
      ['三只松鼠', 'Three Squirrels'],
      ['良品铺子', 'Bestore'],
      ['奥利奥', 'Oreo'],
      ['乐事', "Lay's"],
      ['旺旺', 'Want Want'],
    ],
    items: [
      ['坚果', 'Mixed Nuts'],
      ['薯片', 'Potato Chips'],
      ['饼干', 'Biscuits'],
      ['雪饼', 'Rice Crackers'],
      ['牛肉干', 'Beef Jerky'],
    ],
    sizes: ['70g', '97g', '150g', '500g', '750g'],
  },
  {
    name: 'Household',
    zh: '日用品',
    taxClass: 'VAT13',
    yuan: [8, 80],
    brands: [
      ['维达', 'Vinda'],
      ['蓝月亮', 'Bluemoon'],
      ['立白', 'Liby'],
      ['心相印', 'Hearttex'],
    ],
    items: [
      ['抽纸', 'Facial Tissue'],
      ['洗衣液', 'Laundry Liquid'],
      ['洗洁精', 'Dish Soap'],
      ['卷纸', 'Toilet Roll'],
    ],
    sizes: ['3-pack', '10 rolls', '2kg', '1kg', '500g'],
  },
  {
    name: 'Apparel',
    zh: '服饰',
    taxClass: 'VAT13',
    yuan: [29, 599],
    brands: [
      ['优衣库', 'Uniqlo'],
      ['李宁', 'Li-Ning'],
      ['安踏', 'Anta'],
      ['波司登', 'Bosideng'],
      ['海澜之家', 'HLA'],
    ],
    items: [
      ['纯棉T恤', 'Cotton Tee'],
      ['牛仔裤', 'Jeans'],
      ['羽绒背心', 'Down Vest'],
      ['运动袜', 'Sports Socks'],
      ['卫衣', 'Hoodie'],
      ['棒球帽', 'Baseball Cap'],
    ],
    sizes: ['S', 'M', 'L', 'XL', 'XXL'],
  },
  {
    name: 'Fresh',
    zh: '生鲜',
    taxClass: 'VAT9',
    yuan: [3, 60],
    brands: [
      ['本地', 'Local'],
      ['有机', 'Organic'],
      ['盒马', 'Hema'],
    ],
    items: [
      ['鸡蛋', 'Eggs'],
      ['苹果', 'Apples'],
      ['香蕉', 'Bananas'],
      ['西红柿', 'Tomatoes'],
      ['青菜', 'Greens'],
    ],
    sizes: ['10 pcs', '500g', '1kg', '6 pcs'],
  },
];

export function sku(index: number): string {
  return `SKU-${pad(index + 1, 7)}`;
}

function categoryOf(seed: number, index: number): Category {
  return new Draw(seed, STREAM.products, index).pick(CATEGORIES);
}

/**
 * A valid EAN-13 with a Chinese GS1 prefix (69), unique per index below
 * 10^10: the index through a bijection of [0, 10^10) (an odd multiplier not
 * divisible by 5), so neighbours do not look sequential. Normalised to 14.
 */
export function chainGtin(index: number): string {
  const scrambled = (BigInt(index) * 7_919_609n + 1_234_567n) % 10_000_000_000n;
  const parsed = parseGtin(withCheckDigit(`69${scrambled.toString().padStart(10, '0')}`));
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.gtin;
}

export function chainProduct(seed: number, index: number): Product {
  const d = new Draw(seed, STREAM.products, index);
  const category = d.pick(CATEGORIES);
  const [brand, brandEn] = d.pick(category.brands);
  const [item, itemEn] = d.pick(category.items);
  const size = d.pick(category.sizes);
  return {
    id: sku(index),
    name: `${brand}${item} ${brandEn} ${itemEn} ${size}`,
    gtin: chainGtin(index),
    category: category.name,
    brand: brandEn,
    taxClass: category.taxClass,
    status: d.chance(0.01) ? 'discontinued' : 'active',
  };
}

export function chainPrice(seed: number, index: number): Price {
  const [low, high] = categoryOf(seed, index).yuan;
  const d = new Draw(seed, STREAM.prices, index);
  // Whole yuan ending in .90 or .50 or .00, as shelf prices do.
  const amount = d.int(low, high) * 100 - d.pick([10, 50, 0]);
  return {
    id: `${DEMO_CHAIN_PRICE_LIST}:${sku(index)}`,
    priceList: DEMO_CHAIN_PRICE_LIST,
    sku: sku(index),
    amount: Math.max(amount, 90),
    currency: 'CNY',
  };
}

// --- Stock ------------------------------------------------------------------

/** Stock level `index` of the chain: store index / assortment, the store's k-th SKU. */
export function chainStock(seed: number, size: ChainSize, index: number): StockLevel {
  const assortment = Math.min(size.assortment, size.skus);
  const store = Math.floor(index / assortment);
  const k = index % assortment;
  // Each store carries a window of the catalog starting at its own offset.
  const offset = (store * 7919) % size.skus;
  const skuIndex = (offset + k) % size.skus;
  const d = new Draw(seed, STREAM.stock, index);
  return {
    id: stockLevelId(storeId(store), sku(skuIndex)),
    storeId: storeId(store),
    sku: sku(skuIndex),
    onHand: d.chance(0.05) ? 0 : d.int(1, 120),
  };
}

export function stockCount(size: ChainSize): number {
  return size.stores * Math.min(size.assortment, size.skus);
}

// --- Staff ------------------------------------------------------------------

const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
];
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀英',
  '小红',
  '建华',
];
const ENGLISH = [
  'Alice',
  'Ben',
  'Chloe',
  'David',
  'Emma',
  'Frank',
  'Grace',
  'Henry',
  'Ivy',
  'Jack',
  'Lily',
  'Tom',
];
const ENGLISH_SURNAMES = ['Smith', 'Brown', 'Wang', 'Li', 'Chen', 'Taylor', 'Wilson', 'Zhang'];

function personName(d: Draw): string {
  if (d.chance(0.1)) return `${d.pick(ENGLISH)} ${d.pick(ENGLISH_SURNAMES)}`;
  return d.pick(SURNAMES) + d.pick(GIVEN) + (d.chance(0.3) ? d.pick(GIVEN) : '');
}

/** Staff per store: a manager, a supervisor, and one to three cashiers. */
export function staffCount(seed: number, store: number): number {
  return 3 + (hash32(seed, STREAM.staff, store) % 3);
}

export function chainStaff(seed: number, store: number, k: number): Staff {
  const d = new Draw(seed, STREAM.staff, store * 8 + k);
  const roles: Role[] = k === 0 ? ['manager'] : k === 1 ? ['supervisor', 'cashier'] : ['cashier'];
  const salt = [d.next(), d.next(), d.next(), d.next()]
    .map((x) =>
      Math.floor(x * 2 ** 32)
        .toString(16)
        .padStart(8, '0'),
    )
    .join('');
  return {
    id: `${storeId(store)}-E${k + 1}`,
    name: personName(d),
    storeId: storeId(store),
    roles,
    pinSalt: salt,
    pinHash: hashPin(DEMO_STAFF_PIN, salt),
    status: 'active',
  };
}

// --- Members ----------------------------------------------------------------

const MOBILE_PREFIXES = [
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '158',
  '186',
  '187',
  '188',
  '177',
  '199',
];
const TIERS: [string, number][] = [
  ['basic', 0.7],
  ['silver', 0.2],
  ['gold', 0.08],
  ['platinum', 0.02],
];

export function memberId(index: number): string {
  return `M${pad(index + 1, 8)}`;
}

/** A valid mainland mobile number, unique per index below 1.3 * 10^9. */
export function chainPhone(index: number): string {
  const prefix = MOBILE_PREFIXES[index % MOBILE_PREFIXES.length]!;
  const rest = (Math.floor(index / MOBILE_PREFIXES.length) * 3_367_003 + 4_242_421) % 100_000_000;
  return prefix + pad(rest, 8);
}

/** [PK3] A generated member as HQ writes them: the intake encrypts the personal data. */
export function chainMember(seed: number, size: ChainSize, index: number): MemberRecord {
  const d = new Draw(seed, STREAM.members, index);
  let r = d.next();
  let tier = 'basic';
  for (const [name, share] of TIERS) {
    tier = name;
    if ((r -= share) < 0) break;
  }
  return {
    id: memberId(index),
    phone: chainPhone(index),
    name: personName(d),
    tier,
    homeStoreId: storeId(d.int(0, size.stores - 1)),
    points: d.chance(0.2) ? 0 : d.int(1, 8000),
    status: d.chance(0.01) ? 'closed' : 'active',
  };
}

// --- Promotions and coupons ------------------------------------------------

/** Percent off and how a Chinese shelf label says it (9折 = pay 90%). */
const DISCOUNTS: [number, string][] = [
  [5, '95折'],
  [10, '9折'],
  [15, '85折'],
  [20, '8折'],
  [30, '7折'],
];

const iso = (days: number) => new Date(DEMO_CHAIN_EPOCH + days * 86_400_000).toISOString();

export function chainPromotion(seed: number, size: ChainSize, index: number): Promotion {
  const d = new Draw(seed, STREAM.promotions, index);
  const category = d.pick(CATEGORIES);
  const [brand, brandEn] = d.pick(category.brands);
  const start = d.int(0, 300);
  const window = { from: iso(start), to: iso(start + d.int(7, 60)) };
  const local = d.chance(0.2) && size.stores > 0;
  const stores = local ? { stores: [storeId(d.int(0, size.stores - 1))] } : {};
  const base = {
    id: `PROMO-${pad(index + 1, 5)}`,
    status: 'active' as const,
    priority: d.int(0, 100),
    window,
    ...stores,
  };
  switch (d.int(0, 4)) {
    case 0: {
      const [off, zhe] = d.pick(DISCOUNTS);
      return {
        ...base,
        name: `${category.zh}${zhe} ${off}% off ${category.name}`,
        target: { categories: [category.name] },
        rule: { kind: 'percent-off', bp: off * 100 },
      };
    }
    case 1:
      return {
        ...base,
        name: `${brand}买二送一 ${brandEn} buy 2 get 1 free`,
        target: { brands: [brandEn] },
        rule: { kind: 'buy-x-get-y', buy: 2, get: 1, bp: 10_000 },
      };
    case 2: {
      const spend = d.pick([100, 200, 300]);
      const save = spend / 10;
      return {
        ...base,
        name: `满${spend}减${save} Spend ¥${spend} save ¥${save}`,
        target: {},
        rule: { kind: 'spend-threshold', tiers: [{ spend: spend * 100, save: save * 100 }] },
      };
    }
    case 3: {
      const skuIndex = d.int(0, size.skus - 1);
      return {
        ...base,
        name: `第二件半价 second unit half price ${sku(skuIndex)}`,
        target: { skus: [sku(skuIndex)] },
        rule: { kind: 'buy-x-get-y', buy: 1, get: 1, bp: 5000 },
      };
    }
    default: {
      const skuIndex = d.int(0, size.skus - 1);
      return {
        ...base,
        name: `会员价 member price ${sku(skuIndex)}`,
        target: { skus: [sku(skuIndex)] },
        memberTiers: ['gold', 'platinum'],
        rule: { kind: 'amount-off', amount: d.pick([100, 200, 500]) },
      };
    }
  }
}

export function chainCoupon(seed: number, size: ChainSize, index: number): Coupon {
  const d = new Draw(seed, STREAM.coupons, index);
  const campaign = Math.floor(index / 100);
  const start = d.int(0, 300);
  const personal = d.chance(0.3) && size.members > 0;
  const percent = d.chance(0.4);
  const yuan = d.pick([5, 10, 20]);
  return {
    id: `CPN-${pad(index + 1, 8)}`,
    campaignId: `CAMP-${pad(campaign + 1, 4)}`,
    name: percent ? '九折券 10% off, up to ¥50' : `¥${yuan} 优惠券 ¥${yuan} off`,
    status: 'issued',
    benefit: percent
      ? { kind: 'percent', bp: 1000, cap: 5000 }
      : { kind: 'amount', amount: yuan * 100 },
    minSpend: d.pick([0, 5000, 10000]),
    validFrom: iso(start),
    validTo: iso(start + d.int(14, 90)),
    target: {},
    channels: ['store', 'online'],
    ...(personal ? { memberId: memberId(d.int(0, size.members - 1)) } : {}),
    combinesWith: { mode: d.chance(0.5) ? 'all-promotions' : 'no-promotions' },
    combinesWithCoupons: false,
  };
}

// --- The whole chain, collection by collection ----------------------------

export type ChainPart = {
  db: CollectionName;
  count: number;
  /** Documents [from, to) of this collection. */
  docs(from: number, to: number): JsonObject[];
};

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** The chain's collections in the order they are written (what others refer to first). */
export function chainParts(seed: number, size: ChainSize): ChainPart[] {
  const staffOffsets: number[] = [];
  let staffTotal = 0;
  for (let s = 0; s < size.stores; s++) {
    staffOffsets.push(staffTotal);
    staffTotal += staffCount(seed, s);
  }
  const staffAt = (i: number): Staff => {
    // The store whose block holds i (binary search over the offsets).
    let lo = 0;
    let hi = staffOffsets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (staffOffsets[mid]! <= i) lo = mid;
      else hi = mid - 1;
    }
    return chainStaff(seed, lo, i - staffOffsets[lo]!);
  };
  const part = <T extends object>(
    db: CollectionName,
    count: number,
    make: (i: number) => T,
  ): ChainPart => ({
    db,
    count,
    docs: (from, to) => range(from, Math.min(to, count)).map((i) => make(i) as JsonObject),
  });
  return [
    part('stores', size.stores, (i) => chainStore(seed, i)),
    part('products', size.skus, (i) => chainProduct(seed, i)),
    part('prices', size.skus, (i) => chainPrice(seed, i)),
    part('stock', stockCount(size), (i) => chainStock(seed, size, i)),
    part('staff', staffTotal, staffAt),
    part('members', size.members, (i) => chainMember(seed, size, i)),
    part('promotions', size.promotions, (i) => chainPromotion(seed, size, i)),
    part('coupons', size.coupons, (i) => chainCoupon(seed, size, i)),
  ];
}
