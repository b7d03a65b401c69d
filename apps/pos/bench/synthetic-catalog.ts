/**
 * A deterministic synthetic chain for benchmarks: SKUs with Chinese and
 * English names (brand, item, flavour, size), prices, and members. The same
 * index always gives the same document.
 */
import {
  memberView,
  withCheckDigit,
  type IndexKey,
  type Member,
  type MemberRecord,
  type Price,
  type Product,
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
