/**
 * A member the till does not hold: identified by a verified member QR (by
 * id) or, offline, by the phone the customer gave. The sale is priced and
 * earns as for a customer without a member (the till does not know the
 * member's tier), and names the member so the server attaches the sale and
 * its points to them. See SPEC.md [OM1].
 */
import type { SaleFact } from './sale-fact';

/** How the sale names a member the till does not hold. */
export type OfflineMemberRecord = { memberId: string } | { memberPhoneIndex: string };

/**
 * [OM1] Names the member on a sale priced without one: by id (a signed
 * member QR) or by phone, never both [SF4]. A sale that already names a
 * member is returned as it is. Figures, tier prices and points are left as
 * the checkout made them: no tier price, nothing earned or redeemed at the till.
 */
export function recordOfflineMember(sale: SaleFact, record: OfflineMemberRecord): SaleFact {
  if (
    sale.memberId !== undefined ||
    sale.memberPhone !== undefined ||
    sale.memberPhoneIndex !== undefined
  )
    return sale;
  return 'memberId' in record
    ? { ...sale, memberId: record.memberId }
    : { ...sale, memberPhoneIndex: record.memberPhoneIndex };
}
