/**
 * Document types shared by the devices and the sync server, with the JSON
 * schemas the local replica and the server validate against. One definition,
 * imported everywhere: never copy a type to the other side.
 *
 * This file holds the catalog (stores, products, prices) and the stock levels;
 * collections.ts lists every synced collection. See [D1]-[D3].
 */
import type { Minor } from './money';
import { currency, id, minor, text } from './schema-fields';

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
  /** For brand-scoped promotions; absent for unbranded goods. */
  brand?: string;
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

/** The id of a store's stock level of a SKU. */
export function stockLevelId(storeId: string, sku: string): string {
  return `${storeId}:${sku}`;
}

/** JSON schemas (RxDB shape) of the catalog and stock documents; see collections.ts for all. */
export const CATALOG_SCHEMAS = {
  stores: {
    version: 0,
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
    version: 0,
    primaryKey: 'id',
    type: 'object',
    properties: {
      id,
      name: text,
      gtin: { type: 'string', pattern: '^\\d{14}$', maxLength: 14 },
      category: text,
      brand: text,
      taxClass: { type: 'string', enum: ['VAT13', 'VAT9', 'VAT6', 'VAT0'] },
      status: { type: 'string', enum: ['active', 'discontinued'] },
    },
    required: ['id', 'name', 'gtin', 'category', 'taxClass', 'status'],
    indexes: ['gtin'],
    additionalProperties: false,
  },
  prices: {
    version: 0,
    primaryKey: 'id',
    type: 'object',
    properties: { id, priceList: id, sku: id, amount: minor, currency },
    required: ['id', 'priceList', 'sku', 'amount', 'currency'],
    additionalProperties: false,
  },
  stock: {
    version: 0,
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
} as const;
