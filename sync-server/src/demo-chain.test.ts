import { describe, expect, it } from 'vitest';
import { DEMO_PRIVACY_KEYS } from './pii/keyring';
import { memberRecordProblems } from './pii/member-record';
import { normalisePhone, parseGtin, validateDocument, verifyPin, type Staff } from '@pos/domain';
import {
  chainGtin,
  chainParts,
  chainPhone,
  DEMO_STAFF_PIN,
  type ChainPart,
  type ChainSize,
} from './demo-chain';

const SMALL: ChainSize = {
  stores: 6,
  skus: 300,
  members: 400,
  assortment: 120,
  promotions: 40,
  coupons: 60,
};

const all = (part: ChainPart) => part.docs(0, part.count);

describe('demo chain', () => {
  it('[DC1] the same seed gives the same documents; another seed gives others', () => {
    const first = chainParts(7, SMALL).map(all);
    const again = chainParts(7, SMALL).map(all);
    expect(again).toEqual(first);
    // Any window of a collection is the same documents as in the whole.
    const products = chainParts(7, SMALL).find((p) => p.db === 'products')!;
    expect(products.docs(100, 103)).toEqual(first[1]!.slice(100, 103));

    const other = chainParts(8, SMALL).map(all);
    const names = (docs: unknown[][]) => docs[1]!.map((d) => (d as { name: string }).name);
    expect(names(other)).not.toEqual(names(first));
    // Ids, barcodes and phone numbers depend on the index only.
    expect(other[1]!.map((d) => d.gtin)).toEqual(first[1]!.map((d) => d.gtin));
  });

  it('[DC1] every generated document is valid for its collection', () => {
    const counts: Record<string, number> = {};
    for (const part of chainParts(3, SMALL)) {
      const docs = all(part);
      counts[part.db] = docs.length;
      // [PK3] Members are generated as records (plaintext) for the intake to encrypt.
      const problems = (doc: object) =>
        part.db === 'members'
          ? memberRecordProblems(doc, DEMO_PRIVACY_KEYS.indexKey)
          : validateDocument(part.db, doc);
      for (const doc of docs) expect(problems(doc), `${part.db}/${doc.id}`).toEqual([]);
      expect(new Set(docs.map((d) => d.id)).size).toBe(docs.length);
    }
    expect(counts).toMatchObject({
      stores: 6,
      products: 300,
      prices: 300,
      stock: 6 * 120,
      members: 400,
      promotions: 40,
      coupons: 60,
    });
    expect(counts.staff).toBeGreaterThanOrEqual(6 * 3);
    expect(counts.staff).toBeLessThanOrEqual(6 * 5);
  });

  it('[DC1] staff: one manager per store, and the demo PIN signs each in', () => {
    const staff = all(chainParts(3, SMALL).find((p) => p.db === 'staff')!) as Staff[];
    for (let s = 1; s <= SMALL.stores; s++) {
      const store = staff.filter((e) => e.storeId === `S${String(s).padStart(4, '0')}`);
      expect(store.filter((e) => e.roles.includes('manager'))).toHaveLength(1);
    }
    for (const e of staff) expect(verifyPin(e, DEMO_STAFF_PIN)).toBe(true);
    expect(verifyPin(staff[0]!, '0000')).toBe(false);
  });

  it('[DC1] EAN-13 barcodes and mobile numbers are valid and unique across a large chain', () => {
    const gtins = new Set<string>();
    const phones = new Set<string>();
    for (let i = 0; i < 300_000; i++) {
      const gtin = chainGtin(i);
      gtins.add(gtin);
      phones.add(chainPhone(i));
      if (i % 997 === 0) {
        const parsed = parseGtin(gtin.slice(1));
        expect(parsed).toMatchObject({ ok: true, kind: 'EAN-13', gtin });
        expect(gtin.slice(1, 3)).toBe('69');
        expect(normalisePhone(chainPhone(i))).toEqual({ ok: true, phone: chainPhone(i) });
      }
    }
    expect(gtins.size).toBe(300_000);
    expect(phones.size).toBe(300_000);
  });
});
