/**
 * Members' personal information under PIPL: what every device and the
 * server's document store hold of a member (masked display fields and blind
 * indexes, never a name or a phone in plaintext), how the plaintext a member
 * gives is turned into that, and how a sale names a member found only by
 * phone. Pure: keys come in as arguments. See SPEC.md [PV1]-[PV3], [PI1]-[PI5].
 */
import { hmacSha256, toHex, utf8 } from './hmac';
import type { Member } from './points';

/** A member as the sync server shows them to a till for the sale in progress. */
export type MemberForTill = Pick<
  Member,
  'id' | 'maskedName' | 'maskedPhone' | 'tier' | 'points' | 'status'
>;

/**
 * [PI2] The chain's blind-index key. Devices hold it (from their
 * provisioning, never from the replica) so that a typed phone number is
 * hashed on the device and matched there; the server holds it from its
 * configuration or KMS.
 */
export type IndexKey = { id: string; secret: Uint8Array };

/** The personal information of a member: only ever stored encrypted, shown masked. */
export type PersonalData = {
  name: string;
  /** Mainland mobile number, 11 digits, see normalisePhone. */
  phone: string;
  /** `YYYY-MM-DD`. */
  birthday?: string;
  addresses?: MemberAddress[];
};

export type MemberAddress = {
  label?: string;
  recipient: string;
  phone: string;
  province: string;
  city: string;
  district: string;
  detail: string;
};

/**
 * A member as HQ writes them (import, admin API, sign-up): the personal data
 * in plaintext with the rest of the member. Never stored as it is: the
 * server encrypts `PersonalData` and keeps `memberView` of the rest.
 */
export type MemberRecord = PersonalData & Omit<Member, PrivateFields>;

type PrivateFields = 'maskedName' | 'maskedPhone' | 'phoneIndex' | 'phoneTailIndex' | 'indexKeyId';

/**
 * [PV1] A name masked: its first character (a Chinese surname, or the first
 * letter of a latin name) followed by one `*`, whatever the length. A name
 * of one character or none is `*`: keeping its first character would show it whole.
 */
export function maskName(name: string): string {
  const chars = Array.from(name.trim());
  return chars.length > 1 ? `${chars[0]}*` : '*';
}

/**
 * [PV2] A phone number masked: the first three and last four digits kept,
 * each one between as `*` (`138****8001`). Shorter than eight characters,
 * every character is `*`.
 */
export function maskPhone(phone: string): string {
  const chars = Array.from(phone);
  if (chars.length < 8) return '*'.repeat(chars.length);
  return `${chars.slice(0, 3).join('')}${'*'.repeat(chars.length - 7)}${chars.slice(-4).join('')}`;
}

/** [PV3] A member as a till that does not hold them may see them: masked, no home store. */
export function memberForTill(member: Member): MemberForTill {
  return {
    id: member.id,
    maskedName: member.maskedName,
    maskedPhone: member.maskedPhone,
    tier: member.tier,
    points: member.points,
    status: member.status,
  };
}

const INDEX_HEX = 32;

/**
 * [PI2] The blind index of a (normalised) phone number: HMAC-SHA-256 under
 * the chain's index key, its first 128 bits in hex. Equal phones give equal
 * indexes under one key; without the key an index tells nothing.
 */
export function phoneIndex(key: IndexKey, phone: string): string {
  return toHex(hmacSha256(key.secret, utf8(`phone:${phone}`))).slice(0, INDEX_HEX);
}

/**
 * [PI3] The keyed digest of a phone number's last four digits, for a search
 * by them. It narrows to about one member in ten thousand, never to one.
 */
export function phoneTailIndex(key: IndexKey, phoneOrLastFour: string): string {
  return toHex(hmacSha256(key.secret, utf8(`tail:${phoneOrLastFour.slice(-4)}`))).slice(
    0,
    INDEX_HEX,
  );
}

/**
 * [PI1] What devices and the document store hold of a member: the record
 * without its personal data, with the name and phone masked ([PV1], [PV2])
 * and the phone's blind indexes ([PI2], [PI3]).
 */
export function memberView(record: MemberRecord, key: IndexKey): Member {
  return {
    id: record.id,
    maskedName: maskName(record.name),
    maskedPhone: maskPhone(record.phone),
    phoneIndex: phoneIndex(key, record.phone),
    phoneTailIndex: phoneTailIndex(key, record.phone),
    indexKeyId: key.id,
    tier: record.tier,
    homeStoreId: record.homeStoreId,
    points: record.points,
    status: record.status,
  };
}

/**
 * [PI5] A member after deletion: the id (which the kept sales name) and the
 * home store (which scopes the document to its devices), nothing that
 * identifies or profiles the person. Every device's replica receives it.
 */
export function erasedMember(member: Pick<Member, 'id' | 'homeStoreId'>): Member {
  return {
    id: member.id,
    maskedName: '*',
    maskedPhone: '*',
    tier: 'erased',
    homeStoreId: member.homeStoreId,
    points: 0,
    status: 'erased',
  };
}

/**
 * [PI4] A sale recorded with a member's phone in plaintext (by a till of an
 * earlier version) names them by the phone's blind index instead; anything
 * else is returned as it is. The server applies it before it stores a sale,
 * a till to its unsynced sales, so no phone stays on either.
 */
export function pseudonymiseSale<S extends { memberPhone?: string; memberPhoneIndex?: string }>(
  sale: S,
  key: IndexKey,
): S {
  if (sale.memberPhone === undefined) return sale;
  const { memberPhone, ...rest } = sale;
  return { ...rest, memberPhoneIndex: phoneIndex(key, memberPhone) } as S;
}
