/**
 * The demo chain's clerk tablet data: an apparel style in two colours and
 * four sizes (eight SKUs with their barcodes, prices and stock: S001 lacks
 * one size that S002 has), the chain's commission table, a tablet per store
 * and a clerk per store. Public demo values, like the rest of the demo.
 * [DM3]
 */
import {
  COMMISSION_RULES_ID,
  hashPin,
  parseGtin,
  stockLevelId,
  styleDocId,
  withCheckDigit,
  type CommissionRules,
  type Price,
  type Product,
  type Staff,
  type StockLevel,
  type Style,
} from '@pos/domain';
import { createHash } from 'node:crypto';
import { DEMO_PINS } from './demo-people';

/** The demo style: a cotton crew tee in white and black, S to XL. */
export const DEMO_STYLE_ID = 'TEE-01';
const COLOURS = [
  { code: 'WH', label: '白 White' },
  { code: 'BK', label: '黑 Black' },
] as const;
const SIZES = ['S', 'M', 'L', 'XL'] as const;
const TEE_PRICE = 9_900;
const TEE_BRAND = '棉语 Cotton Lab';
// The demo price list and currency (demo-data.ts's; not imported, it imports this file).
const DEMO_PRICE_LIST = 'CN-LIST';
const DEMO_CURRENCY = 'CNY';

/** [VG1] A SKU of the demo style: upper case, digits and `-`, so it fits a take-now code. */
export const teeSku = (colour: string, size: string): string =>
  `${DEMO_STYLE_ID}-${colour}-${size}`;

export const DEMO_STYLE: Style = {
  id: styleDocId(DEMO_STYLE_ID),
  kind: 'style',
  styleId: DEMO_STYLE_ID,
  name: '纯棉圆领T恤 Cotton crew tee',
  category: 'Apparel',
  brand: TEE_BRAND,
  colours: COLOURS.map((c) => c.label),
  sizes: [...SIZES],
  variants: COLOURS.flatMap((colour) =>
    SIZES.map((size) => ({ sku: teeSku(colour.code, size), colour: colour.label, size })),
  ),
};

/** An EAN-13 of its own range (690-695 prefix), normalised to 14 digits. */
function teeGtin(index: number): string {
  const ean13 = withCheckDigit(`69${index % 6}4322${String(index + 1).padStart(5, '0')}`);
  const parsed = parseGtin(ean13);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.gtin;
}

export const DEMO_STYLE_PRODUCTS: Product[] = DEMO_STYLE.variants.map((variant, i) => ({
  id: variant.sku,
  name: `${DEMO_STYLE.name} ${variant.colour} ${variant.size}`,
  gtin: teeGtin(i),
  category: DEMO_STYLE.category,
  brand: TEE_BRAND,
  taxClass: 'VAT13',
  status: 'active',
}));

export const DEMO_STYLE_PRICES: Price[] = DEMO_STYLE_PRODUCTS.map((product) => ({
  id: `${DEMO_PRICE_LIST}:${product.id}`,
  priceList: DEMO_PRICE_LIST,
  sku: product.id,
  amount: TEE_PRICE,
  currency: DEMO_CURRENCY,
}));

/** The size S001 lacks and S002 has: the clerk orders it for pickup there. */
export const DEMO_MISSING_SKU = teeSku('BK', 'L');

/** Stock of the style at both stores: S001 has none of black L; S002 has 4. */
export const DEMO_STYLE_STOCK: StockLevel[] = ['S001', 'S002'].flatMap((storeId, s) =>
  DEMO_STYLE_PRODUCTS.map((product, i) => ({
    id: stockLevelId(storeId, product.id),
    storeId,
    sku: product.id,
    onHand: product.id === DEMO_MISSING_SKU ? (s === 0 ? 0 : 4) : 3 + ((i * 5 + s * 3) % 9),
  })),
);

/** [CM3] The demo chain's commission table: 1 % of everything, 3 % of apparel, 8 % of black L. */
export const DEMO_COMMISSION_RULES: CommissionRules = {
  id: COMMISSION_RULES_ID,
  kind: 'commissionRules',
  rules: [
    { id: 'ALL-1', match: { all: true }, rate: 100 },
    { id: 'APPAREL-3', match: { category: 'Apparel' }, rate: 300 },
    { id: 'TEE-BK-L-8', match: { sku: DEMO_MISSING_SKU }, rate: 800 },
  ],
};

/** Demo only: the tablets' tokens are published in the README. */
export const DEMO_TABLETS = [
  { deviceId: 'S001-TAB1', storeId: 'S001', token: 'demo-s001-tab1' },
  { deviceId: 'S002-TAB1', storeId: 'S002', token: 'demo-s002-tab1' },
] as const;

/**
 * [RI5] The store's fitting-room service pushes its try-on facts as a device
 * of its store, like a till. Demo only: the token is published in the README.
 */
export const DEMO_FITTING_ROOM_SERVICES = [
  { deviceId: 'S001-FIT1', storeId: 'S001', token: 'demo-s001-fit1' },
] as const;

function demoClerk(id: string, name: string, storeId: string): Staff {
  const pinSalt = createHash('sha256').update(`demo-pin-salt:${id}`).digest('hex').slice(0, 32);
  return {
    id,
    name,
    storeId,
    roles: ['cashier'],
    pinSalt,
    pinHash: hashPin(DEMO_PINS.cashier, pinSalt),
    status: 'active',
  };
}

/** A clerk per store on the shop floor (PIN 1111, the cashiers' role). */
export const DEMO_CLERKS: Staff[] = [
  demoClerk('S001-E03', '孙丽', 'S001'),
  demoClerk('S002-E03', '周杰', 'S002'),
];
