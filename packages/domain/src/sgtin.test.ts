import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gs1CheckDigit, parseGtin } from './barcode';
import { decodeSgtin96, encodeSgtin96, looksLikeEpc96 } from './sgtin';

/** Tags encoded by the GS1 reference library (epc-tds), with what it reads from them. */
const TAGS = [
  ['3034257BF7194E4000001A85', '80614141123458', '6789', 1],
  ['3075A537C837754000000001', '06901234567892', '1', 3],
  ['300E92272C0134BFFFFFFFFF', '16901234562344', '274877906943', 0],
  ['3040393243F164400000002A', '10614141123459', '42', 2],
  ['30F878900000004000000000', '01234560000012', '0', 7],
] as const;

const PARTITIONS = [40, 37, 34, 30, 27, 24, 20];

/** An SGTIN-96 from its fields, as a tag encoder writes it. */
function encode(filter: number, partition: number, company: bigint, item: bigint, serial: bigint) {
  const cpBits = PARTITIONS[partition]!;
  let bits = 0x30n;
  bits = (bits << 3n) | BigInt(filter);
  bits = (bits << 3n) | BigInt(partition);
  bits = (bits << BigInt(cpBits)) | company;
  bits = (bits << BigInt(44 - cpBits)) | item;
  bits = (bits << 38n) | serial;
  return bits.toString(16).toUpperCase().padStart(24, '0');
}

describe('SGTIN-96 EPCs', () => {
  it.each(TAGS)('[SG1] %s names GTIN %s, serial %s', (epc, gtin, serial, filter) => {
    expect(decodeSgtin96(epc)).toEqual({ ok: true, epc, gtin, serial, filter });
    expect(decodeSgtin96(epc.toLowerCase())).toMatchObject({ ok: true, gtin });
  });

  it('[SG1] every partition: the GTIN keeps the company prefix digits and a valid check digit', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 6 }),
        fc.integer({ min: 0, max: 7 }),
        fc.bigInt({ min: 0n, max: 2n ** 38n - 1n }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (partition, filter, serial, a, b) => {
          const cpDigits = 12 - partition;
          const company = BigInt(Math.floor(a * (10 ** cpDigits - 1)));
          const item = BigInt(Math.floor(b * (10 ** (partition + 1) - 1)));
          const decoded = decodeSgtin96(encode(filter, partition, company, item, serial));
          if (!decoded.ok) throw new Error(decoded.message);
          const itemText = item.toString().padStart(partition + 1, '0');
          const companyText = company.toString().padStart(cpDigits, '0');
          expect(decoded.gtin.slice(0, 13)).toBe(
            itemText.slice(0, 1) + companyText + itemText.slice(1),
          );
          expect(parseGtin(decoded.gtin).ok).toBe(true);
          expect(decoded.serial).toBe(serial.toString());
          expect(decoded.filter).toBe(filter);
        },
      ),
    );
  });

  it('[SG2] other schemes, lengths and bad hex are refused with the reason, never thrown', () => {
    expect(decodeSgtin96('3114257BF7194E4000001A85')).toMatchObject({
      ok: false,
      code: 'EPC_NOT_SGTIN96',
      message: expect.stringContaining('0x31'),
    });
    expect(decodeSgtin96('303C257BF7194E4000001A85')).toMatchObject({
      ok: false,
      message: expect.stringContaining('partition 7'),
    });
    // Company prefix 2^40-1 does not fit 12 digits.
    expect(decodeSgtin96(encode(0, 0, 2n ** 40n - 1n, 0n, 0n))).toMatchObject({ ok: false });
    for (const bad of ['', '3034', 'ZZ34257BF7194E4000001A85', '3034257BF7194E4000001A8500']) {
      expect(decodeSgtin96(bad)).toMatchObject({ ok: false, code: 'EPC_NOT_SGTIN96' });
    }
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9A-F]{24}$/)), (s) => {
        const decoded = decodeSgtin96(s);
        expect(decoded.ok || decoded.code === 'EPC_NOT_SGTIN96').toBe(true);
      }),
    );
    expect(decodeSgtin96(42 as unknown as string)).toMatchObject({ ok: false });
  });

  it('[SG2] 24 hex digits look like an EPC; a barcode does not', () => {
    expect(looksLikeEpc96(' 3034257bf7194e4000001a85 ')).toBe(true);
    expect(looksLikeEpc96('6901234567892')).toBe(false);
  });
});

describe('SGTIN-96 encoding', () => {
  it('[SG3] encodes the reference tags back to themselves', () => {
    for (const [epc, gtin, serial, filter] of TAGS) {
      const decoded = decodeSgtin96(epc);
      if (!decoded.ok) throw new Error(decoded.message);
      const digits = [12, 11, 10, 9, 8, 7, 6].find((d) => {
        const made = encodeSgtin96({ gtin, serial, filter, companyPrefixDigits: d });
        return made.ok && made.epc === epc;
      });
      expect(digits, epc).toBeDefined();
    }
  });

  it('[SG3] decode(encode(gtin, serial)) is the gtin and serial, for any prefix length', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^\d{13}$/),
        fc.bigInt({ min: 0n, max: (1n << 38n) - 1n }),
        fc.integer({ min: 6, max: 12 }),
        (body, serial, digits) => {
          const gtin = body + String(gs1CheckDigit(body));
          const made = encodeSgtin96({
            gtin,
            serial: serial.toString(),
            companyPrefixDigits: digits,
          });
          expect(made.ok).toBe(true);
          if (!made.ok) return;
          expect(decodeSgtin96(made.epc)).toMatchObject({
            ok: true,
            gtin,
            serial: serial.toString(),
          });
        },
      ),
    );
  });

  it('[SG3] refuses a bad GTIN, serial or prefix length', () => {
    expect(encodeSgtin96({ gtin: '0690432200001', serial: 1 })).toMatchObject({ ok: false });
    expect(encodeSgtin96({ gtin: '06904322000010', serial: 1 })).toMatchObject({ ok: false });
    expect(encodeSgtin96({ gtin: '06904322000014', serial: -1 })).toMatchObject({ ok: false });
    expect(encodeSgtin96({ gtin: '06904322000014', serial: '01' })).toMatchObject({ ok: false });
    expect(encodeSgtin96({ gtin: '06904322000014', serial: 2 ** 38 })).toMatchObject({ ok: false });
    expect(
      encodeSgtin96({ gtin: '06904322000014', serial: 1, companyPrefixDigits: 5 }),
    ).toMatchObject({ ok: false });
  });
});
