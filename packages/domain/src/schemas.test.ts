import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  DOMAIN_COLLECTIONS,
  DOMAIN_SCHEMAS,
  validateDomainDocument,
  type DomainCollection,
} from './schemas';
import type { Coupon } from './coupons';
import type { Promotion } from './promotion-types';
import type { LedgerMovement } from './stock-ledger';
import type { PointEntry } from './points';
import type { Staff } from './checkout';
import type { Member } from './points';
import type { ReturnFact } from './returns';
import { MEMBER_FIXTURE, saleFactFixture, staffFixture } from './fixtures';
import { closeShift, shiftTotals, type ShiftFact } from './shift';

const now = '2026-11-22T03:00:00.000Z';
const examples: Record<Exclude<DomainCollection, 'saleFacts'>, unknown> = {
  staff: staffFixture({ id: 'E1', name: 'Li' }) satisfies Staff,
  members: { ...MEMBER_FIXTURE, tier: 'gold', points: 0 } satisfies Member,
  promotions: {
    id: 'P1',
    name: '满300减40',
    priority: 1,
    target: { categories: ['food'] },
    rule: { kind: 'spend-threshold', tiers: [{ spend: 30_000, save: 4_000 }] },
    window: { from: now, weekdays: [6, 0], hours: { from: 10, to: 22 } },
    channels: ['store', 'online'],
  } satisfies Promotion,
  coupons: {
    id: 'CP-1',
    campaignId: 'W',
    name: '20 off',
    status: 'issued',
    benefit: { kind: 'amount', amount: 2000 },
    minSpend: 10_000,
    validFrom: now,
    validTo: '2026-12-01T00:00:00.000Z',
    target: {},
    combinesWith: { mode: 'listed', promotionIds: ['P1'] },
    combinesWithCoupons: false,
  } satisfies Coupon,
  stockMovements: {
    id: 'S001-POS1-X:SKU-1',
    location: 'S001',
    sku: 'SKU-1',
    kind: 'reserve',
    quantity: 2,
    at: now,
    reservationId: 'R1',
    expiresAt: '2026-11-23T00:00:00.000Z',
  } satisfies LedgerMovement,
  pointEntries: {
    id: 'S:earn',
    memberId: 'M1',
    kind: 'earn',
    points: 25,
    factId: 'S',
    at: now,
  } satisfies PointEntry,
  returns: {
    id: 'S001-POS1-R',
    saleId: 'S001-POS1-S',
    storeId: 'S001',
    deviceId: 'S001-POS1',
    returnedAt: now,
    lines: [{ lineId: 'L1', sku: 'SKU-1', quantity: 1, refund: 250 }],
    refund: 250,
    tenders: [{ kind: 'cash', amount: 250 }],
    points: { reversedEarn: 2, restoredRedeem: 0 },
  } satisfies ReturnFact,
  shifts: closeShift(
    {
      id: 'S001-POS1-SH1',
      storeId: 'S001',
      deviceId: 'S001-POS1',
      cashierId: 'E1',
      openedAt: now,
      openingFloat: 50_000,
    },
    shiftTotals({ sales: [saleFactFixture()], returns: [], noSaleOpens: 0 }),
    50_250,
    '2026-11-22T11:00:00.000Z',
  ) satisfies ShiftFact,
};

describe('domain document schemas', () => {
  it('[DS1] every domain document type has a schema its documents pass', () => {
    for (const [collection, value] of Object.entries(examples)) {
      expect(validateDomainDocument(collection as DomainCollection, value)).toEqual([]);
    }
    expect(Object.keys(DOMAIN_SCHEMAS).sort()).toEqual(Object.keys(DOMAIN_COLLECTIONS).sort());
    // [PI1] A member document has no room for a phone or name in plaintext.
    expect(
      validateDomainDocument('members', { ...(examples.members as Member), phone: '13800138000' }),
    ).toMatchObject([{ path: '$.phone' }]);
    expect(
      validateDomainDocument('members', {
        ...(examples.members as Member),
        maskedPhone: '13800138000',
      }),
    ).toMatchObject([{ path: '$.maskedPhone' }]);
  });

  it('[DS2] business rules run after the schema; nothing throws on any input', () => {
    const promo = examples.promotions as Promotion;
    expect(
      validateDomainDocument('promotions', {
        ...promo,
        rule: { kind: 'bundle', quantity: 1, price: 5 },
      }),
    ).toHaveLength(1);
    expect(
      validateDomainDocument('promotions', {
        ...promo,
        rule: { kind: 'spend-threshold', repeat: true },
      }),
    ).not.toEqual([]);
    const move = examples.stockMovements as LedgerMovement;
    expect(validateDomainDocument('stockMovements', { ...move, expiresAt: undefined })).not.toEqual(
      [],
    );
    const entry = examples.pointEntries as PointEntry;
    expect(validateDomainDocument('pointEntries', { ...entry, points: -25 })).not.toEqual([]);
    const coupon = examples.coupons as Coupon;
    expect(validateDomainDocument('coupons', { ...coupon, validTo: coupon.validFrom })).not.toEqual(
      [],
    );
    const collections = Object.keys(DOMAIN_SCHEMAS) as DomainCollection[];
    fc.assert(
      fc.property(fc.constantFrom(...collections), fc.jsonValue(), (c, v) => {
        expect(Array.isArray(validateDomainDocument(c, v))).toBe(true);
      }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...(Object.keys(examples) as (keyof typeof examples)[])),
        fc.string({ maxLength: 12 }),
        fc.jsonValue(),
        (c, key, v) => {
          const base = examples[c] as Record<string, unknown>;
          const mutated = {
            ...base,
            [Object.keys(base)[key.length % Object.keys(base).length]!]: v,
          };
          expect(Array.isArray(validateDomainDocument(c, mutated))).toBe(true);
        },
      ),
    );
  });
});
