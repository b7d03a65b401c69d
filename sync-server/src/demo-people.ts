/**
 * The demo chain's people and offers: staff with PINs, members with points,
 * promotions and coupons, and the rules and code key the demo tills use.
 * Every value here is public (the POS end-to-end tests type these PINs and
 * phones): never seed them on a server that holds real data. [DM2]
 */
import { createHash } from 'node:crypto';
import {
  hashPin,
  type CodeKey,
  type Coupon,
  type EarnRule,
  memberView,
  type Member,
  type MemberRecord,
  type PointsProgramme,
  type Promotion,
  type RedemptionRule,
  type Staff,
} from '@pos/domain';
import { loadDocs } from './bulk-load';
import { writePointsProgramme } from './ledgers';
import { DEMO_PRIVACY_KEYS, type PrivacyKeys } from './pii/keyring';
import { writeMemberRecords } from './pii/member-vault';
import type { JsonObject } from './protocol';
import type { WriteTransaction } from './storage/storage';

/** A salt derived from the staff id, so the demo's PIN hashes never change between runs. */
function demoSalt(staffId: string): string {
  return createHash('sha256').update(`demo-pin-salt:${staffId}`).digest('hex').slice(0, 32);
}

function demoStaff(
  id: string,
  name: string,
  storeId: string,
  role: Staff['roles'][number],
  pin: string,
): Staff {
  const pinSalt = demoSalt(id);
  return {
    id,
    name,
    storeId,
    roles: [role],
    pinSalt,
    pinHash: hashPin(pin, pinSalt),
    status: 'active',
  };
}

/** The demo PINs, published: cashiers 1111, supervisors 2222. */
export const DEMO_PINS = { cashier: '1111', supervisor: '2222' } as const;

/** Per store (S001 静安店, S002 徐汇店): `${store}-E01` a cashier, `${store}-E02` a supervisor. */
export const DEMO_STAFF: Staff[] = [
  demoStaff('S001-E01', '王芳', 'S001', 'cashier', DEMO_PINS.cashier),
  demoStaff('S001-E02', '陈强', 'S001', 'supervisor', DEMO_PINS.supervisor),
  demoStaff('S002-E01', '刘洋', 'S002', 'cashier', DEMO_PINS.cashier),
  demoStaff('S002-E02', '赵敏', 'S002', 'supervisor', DEMO_PINS.supervisor),
];

/**
 * Members and their opening balances, as HQ writes them (personal data in
 * plaintext: the intake encrypts it, [PK3]). M0003 belongs to S002, so an
 * S001 till finds that member only through the online lookup.
 */
export const DEMO_MEMBERS: MemberRecord[] = [
  {
    id: 'M0001',
    phone: '13800138001',
    name: '张伟',
    tier: 'gold',
    homeStoreId: 'S001',
    points: 1200,
    status: 'active',
  },
  {
    id: 'M0002',
    phone: '13800138002',
    name: '李娜',
    tier: 'basic',
    homeStoreId: 'S001',
    points: 300,
    status: 'active',
  },
  {
    id: 'M0003',
    phone: '13900139003',
    name: 'Alex Chen',
    tier: 'gold',
    homeStoreId: 'S002',
    points: 5000,
    status: 'active',
  },
];

/** [PI1] The demo members as devices hold them: masked, indexed under the demo index key. */
export const DEMO_MEMBER_VIEWS: Member[] = DEMO_MEMBERS.map((record) =>
  memberView(record, DEMO_PRIVACY_KEYS.indexKey),
);

export const DEMO_PROMOTIONS: Promotion[] = [
  {
    id: 'PROMO-0001',
    name: '农夫山泉 买二赠一',
    status: 'active',
    priority: 10,
    target: { skus: ['SKU-0001'] },
    // In each group of 3 bottles, the cheapest is free.
    rule: { kind: 'buy-x-get-y', buy: 2, get: 1, bp: 10_000 },
  },
  {
    id: 'PROMO-0002',
    name: '满100减10',
    status: 'active',
    priority: 0,
    target: {},
    rule: { kind: 'spend-threshold', tiers: [{ spend: 10_000, save: 1_000 }] },
  },
];

/** Shanghai midnight of 2026-01-01 up to the end of 2027-12-31 (validTo is exclusive). */
const COUPON_VALID = {
  validFrom: '2025-12-31T16:00:00.000Z',
  validTo: '2027-12-31T16:00:00.000Z',
} as const;

/** One-time coupons CP-0001 … CP-0005: 20元 off a spend of at least 50元. */
export const DEMO_COUPONS: Coupon[] = [1, 2, 3, 4, 5].map((n) => ({
  id: `CP-${String(n).padStart(4, '0')}`,
  campaignId: 'CAMPAIGN-20YUAN',
  name: '20元券',
  status: 'issued',
  benefit: { kind: 'amount', amount: 2_000 },
  minSpend: 5_000,
  ...COUPON_VALID,
  target: {},
  combinesWith: { mode: 'all-promotions' },
  combinesWithCoupons: false,
}));

/** Points earned: basic members 1 point per 100 fen (1元), gold members 2. */
export const DEMO_EARN_RULES: EarnRule[] = [
  { tier: 'basic', points: 1, per: 100 },
  { tier: 'gold', points: 2, per: 100 },
];

/** 100 points are worth 1元 (100 fen); at least 100 at once; at most half of what is due. */
export const DEMO_REDEMPTION: RedemptionRule = {
  pointsPerStep: 100,
  stepValue: 100,
  minPoints: 100,
  maxShareBp: 5_000,
};

/** [PT6] The demo chain's points programme: exactly the rules the demo till earns and redeems by. */
export const DEMO_POINTS_PROGRAMME: PointsProgramme = {
  earnRules: DEMO_EARN_RULES,
  redemption: DEMO_REDEMPTION,
};

/**
 * The key that signs the demo's receipt, coupon and member codes. Published,
 * so anyone can forge demo codes: a real chain makes its own secret key.
 */
export const DEMO_CODE_KEY: CodeKey = {
  id: 'demo',
  secret: new TextEncoder().encode('storefront-pos demo code key: public, for the demo only'),
};

/**
 * Seeds the people and offers in the caller's transaction. Idempotent;
 * members keep the balance their point entries made, and coupons keep the
 * state their redemptions made (they are only created). Returns how many
 * documents it wrote.
 */
export async function seedDemoPeople(
  tx: WriteTransaction,
  privacy: PrivacyKeys = DEMO_PRIVACY_KEYS,
): Promise<number> {
  const seeds = [
    { db: 'staff', docs: DEMO_STAFF, options: {} },
    { db: 'promotions', docs: DEMO_PROMOTIONS, options: {} },
    { db: 'coupons', docs: DEMO_COUPONS, options: { createOnly: true } },
  ] as const;
  let written = 0;
  for (const { db, docs, options } of seeds) {
    const counts = await loadDocs(tx, db, docs as unknown as JsonObject[], options);
    written += counts.created + counts.updated;
  }
  const members = await writeMemberRecords(tx, privacy, DEMO_MEMBERS, { keepPoints: true });
  written += members.created + members.updated;
  if (await writePointsProgramme(tx, DEMO_POINTS_PROGRAMME, null, 'demo seed')) written += 1;
  return written;
}
