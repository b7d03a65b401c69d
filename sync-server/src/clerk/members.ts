/**
 * [TB6] [TB7] Members and delivery addresses a clerk takes on the tablet: a
 * new member is sealed at once ([PK1], through the one member intake, [PK3])
 * and gets a consent invitation for the customer's own phone ([CS2]); a
 * phone that is a member already answers that member. The tablet only ever
 * sees a member masked. An address is sealed like the shop's ([SHP14]).
 */
import { randomUUID } from 'node:crypto';
import {
  maskName,
  maskPhone,
  normalisePhone,
  phoneIndex,
  regionLabel,
  type ClerkMemberAnswer,
  type Member,
  type MemberRecord,
  type Staff,
} from '@pos/domain';
import { createInvitation } from '../pii/consent-invitations';
import type { PrivacyKeys } from '../pii/keyring';
import { writeMemberRecords } from '../pii/member-vault';
import { isJsonObject, SyncError } from '../protocol';
import { addAddress, parseAddress } from '../shop/addresses';
import type { SyncStorage } from '../storage/storage';

const bad = (reason: string) => new SyncError('bad_request', reason);
const STAFF_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const CONTROL = /\p{Cc}/u;
/** [TB6] The name a member gets when the customer gives none. */
export const UNNAMED_MEMBER = '会员 Member';
const NAME_MAX = 100;

/** [TB6] The body of `POST /_clerk/members`. */
export function parseNewMember(body: unknown): { phone: string; name?: string; staffId: string } {
  if (!isJsonObject(body)) throw bad('send {phone, name?, staffId}');
  const phone = normalisePhone(body.phone);
  if (!phone.ok) throw bad('phone must be a mainland mobile number (11 digits starting with 1)');
  if (typeof body.staffId !== 'string' || !STAFF_ID.test(body.staffId)) {
    throw bad('staffId must be a staff id');
  }
  let name: string | undefined;
  if (body.name !== undefined) {
    if (typeof body.name !== 'string')
      throw bad(`name must be text of 1 to ${NAME_MAX} characters`);
    name = body.name.trim();
    if (name.length === 0 || Array.from(name).length > NAME_MAX || CONTROL.test(name)) {
      throw bad(`name must be text of 1 to ${NAME_MAX} characters`);
    }
  }
  return { phone: phone.phone, ...(name === undefined ? {} : { name }), staffId: body.staffId };
}

/** [TB6] A member as the tablet may hold it. */
export function clerkMember(member: Member, existing: boolean): ClerkMemberAnswer {
  return {
    memberId: member.id,
    maskedPhone: member.maskedPhone,
    maskedName: member.maskedName,
    tier: member.tier,
    existing,
  };
}

/** [TB6] An active member with this phone index, chain-wide. */
export async function memberByPhoneIndex(
  storage: Pick<SyncStorage, 'membersByPhoneIndex'>,
  index: string,
): Promise<Member | undefined> {
  return (await storage.membersByPhoneIndex(index))
    .map((row) => row.body as Member)
    .find((m) => m.status === 'active');
}

/**
 * [TB6] Creates a member of `storeId` from a phone, sealed, or finds the
 * member that has it; a new member gets a consent invitation whose URL
 * (under `consentBase`) the customer opens on their own phone.
 */
export async function createClerkMember(
  storage: SyncStorage,
  privacy: PrivacyKeys,
  input: { phone: string; name?: string; staffId: string },
  device: { deviceId: string; storeId: string },
  consentBase: string,
  now: Date,
): Promise<{ created: boolean; member: ClerkMemberAnswer }> {
  const staff = (await storage.getDocs('staff', [input.staffId], null)).get(input.staffId)?.body as
    Staff | undefined;
  if (staff?.status !== 'active') throw bad(`${input.staffId} is not an active member of staff`);
  const index = phoneIndex(privacy.indexKey, input.phone);
  const outcome = await storage.transaction(async (tx) => {
    const known = (await tx.membersByPhoneIndex(index))
      .map((row) => row.body as Member)
      .find((m) => m.status === 'active');
    if (known) return { created: false, member: known };
    const record: MemberRecord = {
      id: `M-${randomUUID().toUpperCase()}`,
      name: input.name ?? UNNAMED_MEMBER,
      phone: input.phone,
      tier: 'basic',
      homeStoreId: device.storeId,
      points: 0,
      status: 'active',
    };
    await writeMemberRecords(tx, privacy, [record]);
    const row = (await tx.getDocs('members', [record.id])).get(record.id)!;
    return { created: true, member: row.body as Member };
  });
  const answer = clerkMember(outcome.member, !outcome.created);
  if (!outcome.created) return { created: false, member: answer };
  const invitation = await createInvitation(
    storage,
    outcome.member.id,
    `device:${device.deviceId}`,
    now,
  );
  return {
    created: true,
    member: { ...answer, consentUrl: `${consentBase}/consent/${invitation.token}` },
  };
}

/** [TB7] The body of `POST /_clerk/addresses` in the shop's address shape. */
export function parseClerkAddress(body: unknown): {
  memberId: string;
  address: ReturnType<typeof parseAddress>;
} {
  if (!isJsonObject(body)) throw bad('send {memberId, regionCode, street, name, phone}');
  if (typeof body.memberId !== 'string' || !STAFF_ID.test(body.memberId)) {
    throw bad('memberId must be a member id');
  }
  const address = parseAddress({
    regionCode: body.regionCode,
    detail: body.street,
    name: body.name,
    phone: body.phone,
  });
  return { memberId: body.memberId, address };
}

/** [TB7] Seals a delivery address into an active member's address book: its id and a label to show. */
export async function addClerkAddress(
  storage: SyncStorage,
  privacy: PrivacyKeys,
  input: ReturnType<typeof parseClerkAddress>,
  now: string,
): Promise<{ addressId: string; label: string }> {
  const member = (await storage.getDocs('members', [input.memberId], null)).get(input.memberId)
    ?.body as Member | undefined;
  if (!member || member.status !== 'active' || member.phoneIndex === undefined) {
    throw new SyncError('not_found', `there is no active member ${input.memberId}`);
  }
  const view = await addAddress(
    storage,
    privacy.kms,
    {
      id: `clerk:${member.id}`,
      phoneIndex: member.phoneIndex,
      memberId: member.id,
      maskedPhone: member.maskedPhone,
      createdAt: now,
      expiresAt: now,
    },
    input.address,
    now,
  );
  const region = regionLabel(view.regionCode, 'zh');
  return {
    addressId: view.id,
    label: `${region} · ${maskName(input.address.name)} ${maskPhone(input.address.phone)}`,
  };
}
