/**
 * What a till is told about a member it does not hold: enough to sell to the
 * customer standing at it (id, tier, balance) and to confirm it is them
 * (masked name and phone), nothing more. Pure. See SPEC.md [PV1]-[PV3].
 */
import type { Member } from './points';

/** A member as the sync server shows them to a till for the sale in progress. */
export type MemberForTill = {
  id: string;
  /** [PV1] e.g. `张*`, `A*`. */
  name: string;
  /** [PV2] e.g. `138****8001`. */
  phone: string;
  tier: string;
  points: number;
  status: Member['status'];
};

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

/** [PV3] A member as a till may see them: no home store, name and phone masked. */
export function memberForTill(member: Member): MemberForTill {
  return {
    id: member.id,
    name: maskName(member.name),
    phone: maskPhone(member.phone),
    tier: member.tier,
    points: member.points,
    status: member.status,
  };
}
