import { describe, expect, it } from 'vitest';
import type { Principal } from './auth';
import { checkPushedDoc } from './push';
import { DEMO_PRODUCTS } from './demo-data';
import { asPushed, demoSale, S001_DEVICE } from './test-support';

const s001: Principal = { kind: 'device', deviceId: 'S001-POS1', storeId: 'S001' };
const s002: Principal = { kind: 'device', deviceId: 'S002-POS1', storeId: 'S002' };
const sale = demoSale(S001_DEVICE, 1, [
  ['SKU-0001', 2],
  ['SKU-0014', 1],
]);

describe('checkPushedDoc', () => {
  it('[F1] accepts a valid sale of this device, as RxDB pushes it', () => {
    expect(checkPushedDoc(s001, 'sales', asPushed(sale, '1-abc'))).toEqual({
      id: sale.id,
      rev: '1-abc',
      body: sale,
    });
  });

  it('[A3] refuses any write to a collection that flows down', () => {
    const level = { _id: 'S001:SKU-0001', storeId: 'S001', sku: 'SKU-0001', onHand: 999 };
    expect(checkPushedDoc(s001, 'stock', level)).toEqual({
      id: 'S001:SKU-0001',
      error: 'forbidden',
      reason: 'stock is owned by the server and flows down only; devices cannot write it',
    });
  });

  it('[F1] refuses a sale that breaks the sale rules, listing each problem', () => {
    const bad = { ...sale, total: sale.total + 1 };
    const result = checkPushedDoc(s001, 'sales', asPushed(bad));
    expect(result).toMatchObject({ id: sale.id, error: 'forbidden' });
    expect('reason' in result && result.reason).toMatch(
      /^invalid sales: \$\.total must equal the sum/,
    );
  });

  it('[F1] refuses a sale with fields outside the schema', () => {
    const result = checkPushedDoc(s001, 'sales', { ...asPushed(sale), discount: 5 });
    expect('reason' in result && result.reason).toMatch(/\$\.discount is not allowed/);
  });

  it("[A4] refuses another store's or another device's sale", () => {
    expect(checkPushedDoc(s002, 'sales', asPushed(sale))).toMatchObject({
      error: 'forbidden',
      reason: "storeId must be this device's store S002",
    });
    const otherDevice = { kind: 'device', deviceId: 'S001-POS2', storeId: 'S001' } as const;
    expect(checkPushedDoc(otherDevice, 'sales', asPushed(sale))).toMatchObject({
      error: 'forbidden',
      reason: 'deviceId must be this device S001-POS2',
    });
  });

  it('[A7] an admin write of the catalog is checked against the domain schema', () => {
    const admin = { kind: 'admin', adminId: 'hq-tools' } as const;
    const product = {
      _id: 'SKU-0100',
      name: 'Green Tea',
      gtin: DEMO_PRODUCTS[0]!.gtin,
      category: 'Beverages',
      taxClass: 'VAT13',
      status: 'active',
    };
    expect(checkPushedDoc(admin, 'products', product)).toMatchObject({
      id: 'SKU-0100',
      rev: null,
      body: { id: 'SKU-0100', name: 'Green Tea' },
    });
    expect(checkPushedDoc(admin, 'products', { ...product, status: 'gone' })).toMatchObject({
      error: 'forbidden',
      reason: expect.stringMatching(/^invalid products: /),
    });
    expect(checkPushedDoc(admin, 'sales', asPushed(sale))).toMatchObject({ error: 'forbidden' });
  });
});
