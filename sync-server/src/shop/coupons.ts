/**
 * Coupons a customer claims in the shop: a campaign HQ offers online issues
 * each member at most its limit of one-time coupons, bound to that member.
 * They flow down to every till like any coupon, so any store redeems one,
 * exactly once ([CR1]). See SPEC.md [SHP10].
 */
import { createHash } from 'node:crypto';
import { makeCouponCode, type CodeKey, type CollectionName, type Coupon } from '@pos/domain';
import { SyncError } from '../protocol';
import type { SyncStorage, WriteTransaction } from '../storage/storage';

/** [SHP10] Server-only: the coupon campaigns customers claim from in the shop. */
export const COUPON_CAMPAIGNS_DB = '_couponCampaigns' as CollectionName;

/** [SHP10] A campaign: the coupon each claim issues, and the limits. */
export type CouponCampaign = {
  id: string;
  status: 'open' | 'closed';
  /** Each member may claim this many. */
  perMember: number;
  /** At most this many are issued in all. */
  total: number;
  issued: number;
  coupon: Pick<
    Coupon,
    | 'name'
    | 'benefit'
    | 'minSpend'
    | 'validFrom'
    | 'validTo'
    | 'target'
    | 'combinesWith'
    | 'combinesWithCoupons'
  >;
};

/** [SHP10] The id of a member's n-th coupon of a campaign: the same claim, the same id. */
export function claimedCouponId(campaignId: string, memberId: string, n: number): string {
  const digest = createHash('sha256').update(`${campaignId}\n${memberId}\n${n}`).digest('hex');
  return `CPS-${digest.slice(0, 20).toUpperCase()}`;
}

/** [SHP10] The campaigns open now, with how many are left. */
export async function openCampaigns(
  storage: SyncStorage,
  now: string,
): Promise<(CouponCampaign & { left: number })[]> {
  return (await storage.findDocs(COUPON_CAMPAIGNS_DB, { fields: { status: 'open' } }))
    .map((row) => row.body as CouponCampaign)
    .filter((c) => c.coupon.validFrom <= now && now < c.coupon.validTo)
    .map((c) => ({ ...c, left: Math.max(0, c.total - c.issued) }));
}

/**
 * [SHP10] Issues the member one coupon of the campaign, in one transaction:
 * refused when the campaign is closed, over, out of coupons, or the member
 * has claimed their limit. The coupon is the member's only ([CP2]).
 */
export async function claimCoupon(
  storage: SyncStorage,
  campaignId: string,
  memberId: string,
  now: string,
): Promise<Coupon> {
  return storage.transaction(async (tx) => {
    const row = (await tx.getDocs(COUPON_CAMPAIGNS_DB, [campaignId])).get(campaignId);
    const campaign = row?.body as CouponCampaign | undefined;
    if (!row || !campaign) throw new SyncError('not_found', `no coupon campaign ${campaignId}`);
    if (
      campaign.status !== 'open' ||
      !(campaign.coupon.validFrom <= now && now < campaign.coupon.validTo)
    ) {
      throw new SyncError('conflict', `${campaign.coupon.name} cannot be claimed now`, {
        code: 'CAMPAIGN_CLOSED',
      });
    }
    const mine = await tx.findDocs('coupons', { memberId, fields: { campaignId } });
    if (mine.length >= campaign.perMember) {
      throw new SyncError(
        'conflict',
        `you have claimed ${campaign.coupon.name} ${mine.length} time(s), the most allowed`,
        { code: 'CLAIM_LIMIT', perMember: campaign.perMember },
      );
    }
    if (campaign.issued >= campaign.total) {
      throw new SyncError('conflict', `${campaign.coupon.name} has all been claimed`, {
        code: 'CAMPAIGN_EXHAUSTED',
      });
    }
    const coupon: Coupon = {
      id: claimedCouponId(campaignId, memberId, mine.length + 1),
      campaignId,
      status: 'issued',
      memberId,
      ...campaign.coupon,
    };
    const written = await tx.put({
      db: 'coupons',
      id: coupon.id,
      body: coupon,
      storeId: null,
      expectedRev: null,
    });
    if (!written.ok) throw new SyncError('conflict', 'claimed already; try again');
    const counted = await tx.put({
      db: COUPON_CAMPAIGNS_DB,
      id: campaignId,
      body: { ...campaign, issued: campaign.issued + 1 },
      storeId: null,
      expectedRev: row.rev,
    });
    if (!counted.ok) throw new SyncError('conflict', 'the campaign changed; try again');
    return coupon;
  });
}

/** [SHP10] A coupon with its signed code, for the customer to show at a till. */
export function withCode(coupon: Coupon, key: CodeKey): Coupon & { code: string } {
  return { ...coupon, code: makeCouponCode(coupon.id, key) };
}

/** [SHP10] Creates the campaigns that do not exist yet (claims keep their count); returns how many. */
export async function writeCouponCampaigns(
  tx: WriteTransaction,
  campaigns: readonly CouponCampaign[],
): Promise<number> {
  const known = await tx.getDocs(
    COUPON_CAMPAIGNS_DB,
    campaigns.map((c) => c.id),
  );
  let written = 0;
  for (const campaign of campaigns) {
    if (known.has(campaign.id)) continue;
    const result = await tx.put({
      db: COUPON_CAMPAIGNS_DB,
      id: campaign.id,
      body: campaign,
      storeId: null,
      expectedRev: null,
    });
    if (!result.ok) throw new Error(`coupon campaign ${campaign.id}: ${result.reason}`);
    written += 1;
  }
  return written;
}
