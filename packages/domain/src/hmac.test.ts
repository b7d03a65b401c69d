import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fromHex, hmacSha256, sha256, toHex, utf8 } from './hmac';

type Subtle = {
  digest(alg: string, data: Uint8Array): Promise<ArrayBuffer>;
  importKey(f: string, k: Uint8Array, a: object, e: boolean, u: string[]): Promise<unknown>;
  sign(alg: string, k: unknown, data: Uint8Array): Promise<ArrayBuffer>;
};

const rep = (byte: number, n: number) => new Uint8Array(n).fill(byte);

// RFC 4231 section 4: test cases 1-4, 6, 7 (case 5 tests truncation, below).
const VECTORS: [Uint8Array, Uint8Array, string][] = [
  [
    rep(0x0b, 20),
    utf8('Hi There'),
    'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
  ],
  [
    utf8('Jefe'),
    utf8('what do ya want for nothing?'),
    '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
  ],
  [
    rep(0xaa, 20),
    rep(0xdd, 50),
    '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
  ],
  [
    fromHex('0102030405060708090a0b0c0d0e0f10111213141516171819'),
    rep(0xcd, 50),
    '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
  ],
  [
    rep(0xaa, 131),
    utf8('Test Using Larger Than Block-Size Key - Hash Key First'),
    '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
  ],
  [
    rep(0xaa, 131),
    utf8(
      'This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.',
    ),
    '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
  ],
];

describe('HMAC-SHA-256', () => {
  it('[K1] matches the RFC 4231 test vectors', () => {
    for (const [key, data, mac] of VECTORS) expect(toHex(hmacSha256(key, data))).toBe(mac);
    // Test case 5: truncated to 128 bits.
    expect(toHex(hmacSha256(rep(0x0c, 20), utf8('Test With Truncation'))).slice(0, 32)).toBe(
      'a3b6167473100ee06e0c796c2955552b',
    );
  });

  it('[K1] SHA-256 of known strings, and agrees with WebCrypto on any input (test-only oracle)', async () => {
    expect(toHex(sha256(utf8('')))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    expect(toHex(sha256(utf8('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(toHex(sha256(utf8('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
    const subtle = (globalThis as unknown as { crypto: { subtle: Subtle } }).crypto.subtle;
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.uint8Array({ maxLength: 150 }),
        async (key, data) => {
          expect(toHex(sha256(data))).toBe(
            toHex(new Uint8Array(await subtle.digest('SHA-256', data))),
          );
          const k = await subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, [
            'sign',
          ]);
          expect(toHex(hmacSha256(key, data))).toBe(
            toHex(new Uint8Array(await subtle.sign('HMAC', k, data))),
          );
        },
      ),
      { numRuns: 200 },
    );
  });

  it('[K1] encodes text as UTF-8', () => {
    expect(toHex(utf8('a¢€😀'))).toBe('61c2a2e282acf09f9880');
  });
});
