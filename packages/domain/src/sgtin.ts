/**
 * SGTIN-96 EPCs (GS1 EPC Tag Data Standard): the GTIN and serial an RFID
 * tag names, read from its 24 hex digits. The hub decodes tags for the till
 * with its driver; this is the same rule as pure code, so the app core reads
 * an EPC a clerk's tablet gets as text (a tag read, a typed EPC) without the
 * hardware package. See SPEC.md [SG1]-[SG2].
 */
import { gs1CheckDigit } from './barcode';
import { fail, type Result } from './errors';

/** [SG1] What an SGTIN-96 EPC names. */
export type Sgtin96 = {
  /** The EPC as upper case hex. */
  epc: string;
  /** GTIN-14, with its check digit. */
  gtin: string;
  /** The serial number, in decimal. */
  serial: string;
  filter: number;
};

const HEADER = 0x30n;
/** [SG1] Company prefix bits and digits by partition; the item reference has the rest of 44 bits and 13 digits. */
const PARTITIONS: readonly { bits: number; digits: number }[] = [
  { bits: 40, digits: 12 },
  { bits: 37, digits: 11 },
  { bits: 34, digits: 10 },
  { bits: 30, digits: 9 },
  { bits: 27, digits: 8 },
  { bits: 24, digits: 7 },
  { bits: 20, digits: 6 },
];

/** [SG2] Whether `text` looks like an EPC of 96 bits (24 hex digits), whatever its scheme. */
export function looksLikeEpc96(text: string): boolean {
  return /^[0-9A-Fa-f]{24}$/.test(text.trim());
}

/**
 * [SG1] [SG2] The GTIN and serial of an SGTIN-96 EPC: header 0x30, a
 * partition 0-6, a company prefix and item reference that fit their digits.
 * Anything else (another scheme, bad hex, another length) is
 * `EPC_NOT_SGTIN96` with the reason. Never throws.
 */
export function decodeSgtin96(input: string): Result<Sgtin96, 'EPC_NOT_SGTIN96'> {
  const epc = typeof input === 'string' ? input.trim().toUpperCase() : '';
  if (!/^[0-9A-F]{24}$/.test(epc)) {
    return fail('EPC_NOT_SGTIN96', 'an SGTIN-96 EPC is 24 hex digits');
  }
  const bits = BigInt(`0x${epc}`);
  const field = (from: number, width: number) =>
    (bits >> BigInt(96 - from - width)) & ((1n << BigInt(width)) - 1n);
  if (field(0, 8) !== HEADER) {
    return fail('EPC_NOT_SGTIN96', `header 0x${epc.slice(0, 2)} is not SGTIN-96 (0x30)`);
  }
  const filter = Number(field(8, 3));
  const partition = Number(field(11, 3));
  const layout = PARTITIONS[partition];
  if (!layout) return fail('EPC_NOT_SGTIN96', `partition ${partition} is not 0-6`);
  const company = field(14, layout.bits);
  const itemDigits = 13 - layout.digits;
  const item = field(14 + layout.bits, 44 - layout.bits);
  if (company >= 10n ** BigInt(layout.digits) || item >= 10n ** BigInt(itemDigits)) {
    return fail('EPC_NOT_SGTIN96', 'the company prefix or item reference has too many digits');
  }
  const companyText = company.toString().padStart(layout.digits, '0');
  const itemText = item.toString().padStart(itemDigits, '0');
  const body = itemText.slice(0, 1) + companyText + itemText.slice(1);
  return {
    ok: true,
    epc,
    gtin: body + String(gs1CheckDigit(body)),
    serial: field(58, 38).toString(),
    filter,
  };
}

/**
 * [SG3] The SGTIN-96 EPC of a GTIN-14 and serial, the company prefix
 * `companyPrefixDigits` long (6-12; default 7), filter 1 (a point-of-sale
 * item): the inverse of `decodeSgtin96`. A GTIN that is not 14 digits with
 * its check digit, or a serial that is not 0 to 2^38-1 in decimal, is
 * refused. Never throws.
 */
export function encodeSgtin96(input: {
  gtin: string;
  serial: string | number;
  companyPrefixDigits?: number;
  filter?: number;
}): Result<{ epc: string }, 'EPC_NOT_SGTIN96'> {
  const { gtin, companyPrefixDigits = 7, filter = 1 } = input;
  const serialText = String(input.serial);
  if (typeof gtin !== 'string' || !/^\d{14}$/.test(gtin)) {
    return fail('EPC_NOT_SGTIN96', 'a GTIN-14 is 14 digits');
  }
  if (String(gs1CheckDigit(gtin.slice(0, 13))) !== gtin[13]) {
    return fail('EPC_NOT_SGTIN96', 'the GTIN check digit is wrong');
  }
  if (!/^(0|[1-9]\d{0,11})$/.test(serialText) || BigInt(serialText) >= 1n << 38n) {
    return fail(
      'EPC_NOT_SGTIN96',
      'an SGTIN-96 serial is a decimal number below 2^38, no leading zeros',
    );
  }
  const partition = PARTITIONS.findIndex((p) => p.digits === companyPrefixDigits);
  const layout = PARTITIONS[partition];
  if (!layout) return fail('EPC_NOT_SGTIN96', 'the company prefix is 6 to 12 digits');
  if (!Number.isInteger(filter) || filter < 0 || filter > 7) {
    return fail('EPC_NOT_SGTIN96', 'the filter is 0 to 7');
  }
  const company = BigInt(gtin.slice(1, 1 + layout.digits));
  const item = BigInt(gtin[0]! + gtin.slice(1 + layout.digits, 13));
  const bits =
    (HEADER << 88n) |
    (BigInt(filter) << 85n) |
    (BigInt(partition) << 82n) |
    (company << BigInt(82 - layout.bits)) |
    (item << 38n) |
    BigInt(serialText);
  return { ok: true, epc: bits.toString(16).toUpperCase().padStart(24, '0') };
}
