import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeEpc, gs1CheckDigit } from './epc';

describe('decodeEpc', () => {
  it('[EPC1] decodes the GS1 TDS SGTIN-96 example to GTIN-14 and serial', () => {
    // GS1 EPC Tag Data Standard: urn:epc:tag:sgtin-96:3.0614141.812345.6789
    expect(decodeEpc('3074257BF7194E4000001A85')).toEqual({
      scheme: 'sgtin-96',
      epc: '3074257BF7194E4000001A85',
      tagUri: 'urn:epc:tag:sgtin-96:3.0614141.812345.6789',
      idUri: 'urn:epc:id:sgtin:0614141.812345.6789',
      gtin: '80614141123458',
      serial: '6789',
      filter: 3,
    });
  });

  it('[EPC1] keeps leading zeros of the company prefix (GTIN 00037000302414)', () => {
    expect(decodeEpc('30340242201d8840009efdf7')).toMatchObject({
      scheme: 'sgtin-96',
      gtin: '00037000302414',
      serial: '10419703',
      idUri: 'urn:epc:id:sgtin:0037000.030241.10419703',
    });
  });

  it('[EPC2] other schemes and bad input are unknown with the EPC and a reason', () => {
    expect(decodeEpc('317A7202CC164BA20B000000')).toMatchObject({
      scheme: 'unknown',
      epc: '317A7202CC164BA20B000000',
      tagUri: expect.stringMatching(/^urn:epc:tag:sscc-96:/),
      reason: 'SSCC-96 is not SGTIN-96',
    });
    expect(decodeEpc('E280689400005004F5F4A1F2')).toMatchObject({ scheme: 'unknown' });
    expect(decodeEpc('3074257BF7194E4000001A')).toMatchObject({ scheme: 'unknown' });
    expect(decodeEpc('xyz')).toMatchObject({ scheme: 'unknown' });
    expect(decodeEpc('')).toMatchObject({ scheme: 'unknown' });
  });

  it('computes GS1 check digits', () => {
    expect(gs1CheckDigit('690123456789')).toBe('2');
    expect(gs1CheckDigit('8061414112345')).toBe('8');
  });

  it('[EPC3] never throws on random hex or text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.uint8Array({ maxLength: 62 }).map((b) => Buffer.from(b).toString('hex')),
          fc
            .uint8Array({ minLength: 11, maxLength: 11 })
            .map((b) => '30' + Buffer.from(b).toString('hex')),
        ),
        (hex) => {
          const info = decodeEpc(hex);
          expect(['sgtin-96', 'unknown']).toContain(info.scheme);
          if (info.scheme === 'sgtin-96') expect(info.gtin).toMatch(/^\d{14}$/);
        },
      ),
    );
  });
});
