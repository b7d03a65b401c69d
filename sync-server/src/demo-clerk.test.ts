import {
  commissionRulesProblems,
  parseGtin,
  ruleFor,
  styleProblems,
  validateDocument,
} from '@pos/domain';
import { describe, expect, it } from 'vitest';
import {
  DEMO_CLERKS,
  DEMO_COMMISSION_RULES,
  DEMO_MISSING_SKU,
  DEMO_STYLE,
  DEMO_STYLE_PRICES,
  DEMO_STYLE_PRODUCTS,
  DEMO_STYLE_STOCK,
  DEMO_TABLETS,
} from './demo-clerk';
import { DEMO_PRODUCTS } from './demo-data';
import { DEMO_STAFF } from './demo-people';

describe('demo clerk data', () => {
  it('[DM3] [VG1] the style, its products, prices, stock and the commission table are valid', () => {
    expect(styleProblems(DEMO_STYLE)).toEqual([]);
    expect(validateDocument('chain', DEMO_STYLE)).toEqual([]);
    expect(commissionRulesProblems(DEMO_COMMISSION_RULES)).toEqual([]);
    expect(validateDocument('chain', DEMO_COMMISSION_RULES)).toEqual([]);
    for (const p of DEMO_STYLE_PRODUCTS) expect(validateDocument('products', p)).toEqual([]);
    for (const p of DEMO_STYLE_PRICES) expect(validateDocument('prices', p)).toEqual([]);
    for (const s of DEMO_STYLE_STOCK) expect(validateDocument('stock', s)).toEqual([]);
    for (const s of DEMO_CLERKS) expect(validateDocument('staff', s)).toEqual([]);
  });

  it('[DM3] [TK1] 8 SKUs that fit a take-now code, each with its own valid EAN-13', () => {
    expect(DEMO_STYLE_PRODUCTS).toHaveLength(8);
    for (const p of DEMO_STYLE_PRODUCTS) expect(p.id).toMatch(/^[A-Z0-9-]+$/);
    const gtins = [...DEMO_STYLE_PRODUCTS, ...DEMO_PRODUCTS].map((p) => p.gtin);
    expect(new Set(gtins).size).toBe(gtins.length);
    for (const p of DEMO_STYLE_PRODUCTS) {
      expect(parseGtin(p.gtin.slice(1))).toMatchObject({ ok: true, kind: 'EAN-13' });
    }
  });

  it('[DM3] S001 lacks black L, S002 has it; the tablets and clerks are per store', () => {
    const onHand = (store: string, sku: string) =>
      DEMO_STYLE_STOCK.find((s) => s.storeId === store && s.sku === sku)!.onHand;
    expect(onHand('S001', DEMO_MISSING_SKU)).toBe(0);
    expect(onHand('S002', DEMO_MISSING_SKU)).toBeGreaterThan(0);
    expect(
      DEMO_STYLE_STOCK.filter((s) => s.sku !== DEMO_MISSING_SKU).every((s) => s.onHand > 0),
    ).toBe(true);
    expect(DEMO_TABLETS.map((t) => t.storeId)).toEqual(['S001', 'S002']);
    expect(DEMO_CLERKS.map((c) => c.storeId)).toEqual(['S001', 'S002']);
    const ids = [...DEMO_CLERKS, ...DEMO_STAFF].map((s) => s.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('[DM3] [CM4] the table gives 1 % to anything, 3 % to apparel, 8 % to black L', () => {
    const at = '2026-01-02T03:04:05Z';
    const { rules } = DEMO_COMMISSION_RULES;
    expect(ruleFor({ sku: 'SKU-0001', category: 'Beverages' }, rules, at)?.rate).toBe(100);
    expect(ruleFor({ sku: 'TEE-01-WH-S', category: 'Apparel' }, rules, at)?.rate).toBe(300);
    expect(ruleFor({ sku: DEMO_MISSING_SKU, category: 'Apparel' }, rules, at)?.rate).toBe(800);
  });
});
