/**
 * Document types shared by the devices and the sync server, with the JSON
 * schemas the local replica and the server validate against. One definition,
 * imported everywhere: never copy a type to the other side.
 *
 * Collections are either chain-wide (stores, products, prices), store-private
 * server-owned state (stock), or facts written on a device (sales). See [D1]-[D3].
 */
import type { Minor } from './money';
import { currency, id, minor, text, type CollectionFlow } from './schema-fields';

export const SCHEMA_VERSION = 0;

export type Store = {
  id: string;
  name: string;
  address: string;
  currency: string;
  status: 'open' | 'closed';
};

export type Product = {
  /** The SKU. */
  id: string;
  name: string;
  /** GTIN normalised to 14 digits, see [B2]. */
  gtin: string;
  category: string;
  taxClass: TaxClass;
  status: 'active' | 'discontinued';
};

export type TaxClass = 'VAT13' | 'VAT9' | 'VAT6' | 'VAT0';

export type Price = {
  /** `${priceList}:${sku}` */
  id: string;
  priceList: string;
  sku: string;
  /** Tax-inclusive unit price in minor units. */
  amount: Minor;
  currency: string;
};

/** Server-owned projection of stock movements; flows down only. */
export type StockLevel = {
  /** `${storeId}:${sku}` */
  id: string;
  storeId: string;
  sku: string;
  onHand: number;
};

export type SaleLine = {
  sku: string;
  name: string;
  gtin: string;
  quantity: number;
  unitPrice: Minor;
  amount: Minor;
};

export type Tender = { kind: 'cash'; amount: Minor };

/** An immutable fact written on the device that made the sale. */
export type Sale = {
  /** `${deviceId}-${ULID}`: generated on the device so a retry never makes a second sale. */
  id: string;
  storeId: string;
  deviceId: string;
  /** Device time, ISO 8601. */
  soldAt: string;
  currency: string;
  lines: SaleLine[];
  total: Minor;
  tenders: Tender[];
  change: Minor;
};

export type CollectionName = 'stores' | 'products' | 'prices' | 'stock' | 'sales';

export type DocumentByCollection = {
  stores: Store;
  products: Product;
  prices: Price;
  stock: StockLevel;
  sales: Sale;
};

/**
 * [D1] Who writes what: chain-wide and store-private state flows down only;
 * facts flow up only and are immutable once written.
 */
export const COLLECTIONS: Record<CollectionName, CollectionFlow> = {
  stores: { direction: 'down', scope: 'chain' },
  products: { direction: 'down', scope: 'chain' },
  prices: { direction: 'down', scope: 'chain' },
  stock: { direction: 'down', scope: 'store' },
  sales: { direction: 'up', scope: 'store' },
};

/** JSON schemas in the shape RxDB expects; the server validates with the same ones. */
export const SCHEMAS = {
  stores: {
    version: SCHEMA_VERSION,
    primaryKey: 'id',
    type: 'object',
    properties: {
      id,
      name: text,
      address: text,
      currency,
      status: { type: 'string', enum: ['open', 'closed'] },
    },
    required: ['id', 'name', 'address', 'currency', 'status'],
    additionalProperties: false,
  },
  products: {
    version: SCHEMA_VERSION,
    primaryKey: 'id',
    type: 'object',
    properties: {
      id,
      name: text,
      gtin: { type: 'string', pattern: '^\\d{14}$', maxLength: 14 },
      category: text,
      taxClass: { type: 'string', enum: ['VAT13', 'VAT9', 'VAT6', 'VAT0'] },
      status: { type: 'string', enum: ['active', 'discontinued'] },
    },
    required: ['id', 'name', 'gtin', 'category', 'taxClass', 'status'],
    indexes: ['gtin'],
    additionalProperties: false,
  },
  prices: {
    version: SCHEMA_VERSION,
    primaryKey: 'id',
    type: 'object',
    properties: { id, priceList: id, sku: id, amount: minor, currency },
    required: ['id', 'priceList', 'sku', 'amount', 'currency'],
    additionalProperties: false,
  },
  stock: {
    version: SCHEMA_VERSION,
    primaryKey: 'id',
    type: 'object',
    properties: {
      id,
      storeId: id,
      sku: id,
      onHand: { type: 'integer', minimum: -1e9, maximum: 1e9 },
    },
    required: ['id', 'storeId', 'sku', 'onHand'],
    additionalProperties: false,
  },
  sales: {
    version: SCHEMA_VERSION,
    primaryKey: 'id',
    type: 'object',
    properties: {
      id,
      storeId: id,
      deviceId: id,
      soldAt: { type: 'string', maxLength: 40 },
      currency,
      lines: {
        type: 'array',
        minItems: 1,
        maxItems: 500,
        items: {
          type: 'object',
          properties: {
            sku: id,
            name: text,
            gtin: { type: 'string', maxLength: 14 },
            quantity: { type: 'integer', minimum: 1, maximum: 100000 },
            unitPrice: minor,
            amount: minor,
          },
          required: ['sku', 'name', 'gtin', 'quantity', 'unitPrice', 'amount'],
          additionalProperties: false,
        },
      },
      total: minor,
      tenders: {
        type: 'array',
        minItems: 1,
        maxItems: 10,
        items: {
          type: 'object',
          properties: { kind: { type: 'string', enum: ['cash'] }, amount: minor },
          required: ['kind', 'amount'],
          additionalProperties: false,
        },
      },
      change: minor,
    },
    required: [
      'id',
      'storeId',
      'deviceId',
      'soldAt',
      'currency',
      'lines',
      'total',
      'tenders',
      'change',
    ],
    additionalProperties: false,
  },
} as const;
