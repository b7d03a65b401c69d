/**
 * Example documents for tests in every package (`@pos/domain/fixtures`):
 * built with the domain's own functions, so they always pass its rules.
 */
import {
  addItem,
  addTender,
  attachMember,
  buildSaleFact,
  newCheckout,
  priceCheckout,
  settleCheckout,
  type Staff,
} from './checkout';
import type { Price, Product } from './documents';
import type { GeoPoint } from './geo';
import { utf8 } from './hmac';
import type { FulfilmentLocation, OpeningSpan } from './locations';
import { memberView, type IndexKey, type MemberRecord } from './member-privacy';
import type { EarnRule, Member } from './points';
import type { SaleFact } from './sale-fact';
import { hashPin } from './staff-pin';
import type { PaymentTender } from './tender';

export const PRODUCT_FIXTURE: Product = {
  id: 'SKU-1',
  name: '农夫山泉 550ml',
  gtin: '06901234567892',
  category: 'drinks',
  taxClass: 'VAT13',
  status: 'active',
};

/** The demo chain's blind-index key (never a production key). */
export const INDEX_KEY_FIXTURE: IndexKey = {
  id: 'ik1',
  secret: utf8('demo blind-index key, not for production'),
};

/** A member as HQ writes them, personal data in plaintext. */
export const MEMBER_RECORD_FIXTURE: MemberRecord = {
  id: 'M1',
  phone: '13800138000',
  name: '张伟',
  tier: 'basic',
  homeStoreId: 'S001',
  points: 500,
  status: 'active',
};

/** The same member as devices hold them: masked, with blind indexes. */
export const MEMBER_FIXTURE: Member = memberView(MEMBER_RECORD_FIXTURE, INDEX_KEY_FIXTURE);

export function staffFixture(overrides: Partial<Staff> & { pin?: string } = {}): Staff {
  const { pin = '1234', ...rest } = overrides;
  const pinSalt = rest.pinSalt ?? '0123456789abcdef';
  return {
    id: 'E1',
    name: '李娜',
    storeId: 'S001',
    roles: ['cashier'],
    status: 'active',
    ...rest,
    pinSalt,
    pinHash: hashPin(pin, pinSalt),
  };
}

export type SaleFactFixtureOptions = {
  id?: string;
  storeId?: string;
  deviceId?: string;
  soldAt?: string;
  /** Lines as [product, unit price, quantity]; default one water at 2.50. */
  lines?: [Product, number, number][];
  member?: Member;
  /** Default: exact cash. */
  tenders?: PaymentTender[];
  /** The till's earn rules; default basic members 1 point per 100. */
  earnRules?: EarnRule[];
};

/** A complete, valid sale fact built through the checkout, as a till would make it. */
export function saleFactFixture(options: SaleFactFixtureOptions = {}): SaleFact {
  const deviceId = options.deviceId ?? 'S001-POS1';
  const storeId = options.storeId ?? 'S001';
  const soldAt = options.soldAt ?? '2026-11-22T03:00:00.000Z';
  const lines = options.lines ?? [[PRODUCT_FIXTURE, 250, 1]];
  let cart = newCheckout('CNY', 'inclusive');
  if (options.member) cart = attachMember(cart, options.member);
  lines.forEach(([product, amount, quantity], i) => {
    const price: Price = {
      id: `L:${product.id}`,
      priceList: 'L',
      sku: product.id,
      amount,
      currency: 'CNY',
    };
    cart = addItem(cart, { lineId: `L${i + 1}`, product, price, quantity });
  });
  const ctx = { storeId, channel: 'store' as const, now: soldAt, utcOffsetMinutes: 480 };
  const pricing = priceCheckout(cart, { ...ctx, promotions: [] });
  for (const tender of options.tenders ?? [{ kind: 'cash' as const, amount: pricing.total }]) {
    cart = addTender(cart, tender);
  }
  const settlement = settleCheckout(cart, pricing);
  return buildSaleFact(cart, pricing, settlement, {
    id: options.id ?? `${deviceId}-01J0000000000000000000000`,
    storeId,
    deviceId,
    channel: 'store',
    now: soldAt,
    cashierId: 'E1',
    earnRules: options.earnRules ?? [{ tier: 'basic', points: 1, per: 100 }],
  });
}

/** Where the routing tests' customer lives. */
export const ROUTING_HOME: GeoPoint = { lat: 31.2, lng: 121.4 };

/** Open every day around the clock. */
export const ALL_DAY_HOURS: OpeningSpan[] = [
  { days: [0, 1, 2, 3, 4, 5, 6], open: '00:00', close: '24:00' },
];

/**
 * A store `km` east of ROUTING_HOME (about 0.0105 degrees of longitude
 * a kilometre at this latitude), shipping, open all day, 10 parcels a day;
 * `more` sets anything else.
 */
export function storeEastOfHome(
  id: string,
  km: number,
  more: Partial<FulfilmentLocation> = {},
): FulfilmentLocation {
  return {
    id,
    name: `Store ${id}`,
    kind: 'store',
    lat: ROUTING_HOME.lat,
    lng: ROUTING_HOME.lng + km * 0.0105,
    modes: ['ship'],
    hours: ALL_DAY_HOURS,
    dailyCapacity: 10,
    rank: 1,
    ...more,
  };
}
