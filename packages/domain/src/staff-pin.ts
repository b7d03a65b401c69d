/**
 * Staff PINs: a till signs staff in offline, so the staff record that flows
 * down carries a salted hash of the PIN, never the PIN. A PIN of 4-6 digits
 * is a second factor on a store's own device, not a password: the sign-in
 * screen limits attempts. See SPEC.md [SI1]-[SI2].
 */
import type { Staff } from './checkout';
import { equalBytes, fromHex, hmacSha256, toHex, utf8 } from './hmac';

/** [SI1] A PIN is 4 to 6 digits. */
export function isValidPin(pin: string): boolean {
  return /^\d{4,6}$/.test(pin);
}

/** [SI1] The stored hash: HMAC-SHA-256 of the PIN keyed by the staff member's salt, hex. */
export function hashPin(pin: string, saltHex: string): string {
  return toHex(hmacSha256(fromHex(saltHex), utf8(pin)));
}

/** [SI2] Only an active staff member with the right PIN signs in; the comparison is constant-time. */
export function verifyPin(
  staff: Pick<Staff, 'pinSalt' | 'pinHash' | 'status'>,
  pin: string,
): boolean {
  if (staff.status !== 'active' || !isValidPin(pin)) return false;
  try {
    return equalBytes(fromHex(hashPin(pin, staff.pinSalt)), fromHex(staff.pinHash));
  } catch {
    return false; // a malformed stored salt or hash never signs anyone in
  }
}
