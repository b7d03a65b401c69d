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
    expect(checkPushedDoc(s001, 'saleFacts', asPushed(sale, '1-abc'))).toEqual({
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
    const result = checkPushedDoc(s001, 'saleFacts', asPushed(bad));
    expect(result).toMatchObject({ id: sale.id, error: 'forbidden' });
    expect('reason' in result && result.reason).toMatch(/^invalid saleFacts: .*\$\.total/);
  });

  it('[F1] refuses a sale with fields outside the schema', () => {
    const result = checkPushedDoc(s001, 'saleFacts', { ...asPushed(sale), tip: 5 });
    expect('reason' in result && result.reason).toMatch(/\$\.tip is not allowed/);
  });

  it("[A4] refuses another store's or another device's sale", () => {
    expect(checkPushedDoc(s002, 'saleFacts', asPushed(sale))).toMatchObject({
      error: 'forbidden',
      reason: "storeId must be this device's store S002",
    });
    const otherDevice = { kind: 'device', deviceId: 'S001-POS2', storeId: 'S001' } as const;
    expect(checkPushedDoc(otherDevice, 'saleFacts', asPushed(sale))).toMatchObject({
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
    expect(checkPushedDoc(admin, 'saleFacts', asPushed(sale))).toMatchObject({
      error: 'forbidden',
    });
  });
});

describe('checkPushedDoc for stock movements and point entries', () => {
  const receive = {
    _id: 'S001-POS1-M1',
    location: 'S001',
    sku: 'SKU-0001',
    kind: 'receive',
    quantity: 12,
    at: '2026-01-02T03:04:05.000Z',
  };
  const adjust = {
    _id: 'HQ-ADJ-1',
    memberId: 'M0001',
    kind: 'adjust',
    points: 100,
    factId: 'CASE-1',
    at: '2026-01-02T03:04:05.000Z',
  };

  it('[A9] accepts a receipt at its own store and refuses one at another', () => {
    expect(checkPushedDoc(s001, 'stockMovements', receive)).toMatchObject({ id: receive._id });
    expect(checkPushedDoc(s002, 'stockMovements', receive)).toMatchObject({
      error: 'forbidden',
      reason: "location must be this device's store S002",
    });
  });

  it('[F1] refuses a movement that breaks the ledger rules', () => {
    expect(checkPushedDoc(s001, 'stockMovements', { ...receive, quantity: -3 })).toMatchObject({
      error: 'forbidden',
      reason: expect.stringMatching(/^invalid stockMovements: .*positive quantity/),
    });
  });

  it('[A10] an adjustment is an admin push; a device cannot make one', () => {
    const admin = { kind: 'admin', adminId: 'hq-tools' } as const;
    expect(checkPushedDoc(admin, 'pointEntries', adjust)).toMatchObject({ id: 'HQ-ADJ-1' });
    expect(
      checkPushedDoc(s001, 'pointEntries', { ...adjust, _id: 'S001-POS1-X:adjust' }),
    ).toMatchObject({
      error: 'forbidden',
      reason: 'point adjustments are made by HQ with an admin token',
    });
    expect(
      checkPushedDoc(admin, 'pointEntries', { ...adjust, kind: 'earn', _id: 'X:earn' }),
    ).toMatchObject({ error: 'forbidden', reason: expect.stringMatching(/only adjust entries/) });
  });
});
