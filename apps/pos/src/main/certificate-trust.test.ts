import { generateCertificate, type GeneratedCertificate } from '@pos/sync-server';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  REFUSE,
  TRUST,
  USE_CHROMIUM,
  normaliseFingerprint,
  syncCertificateVerifier,
} from './certificate-trust';

const NAMES = ['localhost', '127.0.0.1'];

function answer(
  verify: ReturnType<typeof syncCertificateVerifier>,
  hostname: string,
  cert: string,
): number {
  let code: number | undefined;
  verify({ hostname, certificate: { data: cert } }, (c) => (code = c));
  return code!;
}

describe('the sync server certificate the terminal trusts', () => {
  let pinned: GeneratedCertificate;
  let other: GeneratedCertificate;
  beforeAll(async () => {
    [pinned, other] = await Promise.all([
      generateCertificate({ names: NAMES }),
      generateCertificate({ names: NAMES }),
    ]);
  });

  it('[TL5] trusts exactly the configured fingerprint for the sync server, refuses any other', () => {
    const verify = syncCertificateVerifier('https://127.0.0.1:5984', pinned.fingerprint);
    expect(answer(verify, '127.0.0.1', pinned.cert)).toBe(TRUST);
    expect(answer(verify, '127.0.0.1', other.cert)).toBe(REFUSE);
    expect(answer(verify, '127.0.0.1', 'not a certificate')).toBe(REFUSE);
    // The fingerprint may be written in lower case or without colons.
    const loose = pinned.fingerprint.toLowerCase().replaceAll(':', '');
    const verifyLoose = syncCertificateVerifier('https://127.0.0.1:5984', loose);
    expect(answer(verifyLoose, '127.0.0.1', pinned.cert)).toBe(TRUST);
  });

  it('[TL5] leaves every other host, and a terminal without a fingerprint, to the usual checks', () => {
    const verify = syncCertificateVerifier('https://127.0.0.1:5984', pinned.fingerprint);
    expect(answer(verify, 'example.com', pinned.cert)).toBe(USE_CHROMIUM);
    const unpinned = syncCertificateVerifier('https://127.0.0.1:5984', undefined);
    expect(answer(unpinned, '127.0.0.1', pinned.cert)).toBe(USE_CHROMIUM);
    const plain = syncCertificateVerifier('http://127.0.0.1:5984', pinned.fingerprint);
    expect(answer(plain, '127.0.0.1', pinned.cert)).toBe(USE_CHROMIUM);
  });

  it('[TL5] refuses a configured fingerprint that is not one', () => {
    expect(() => syncCertificateVerifier('https://127.0.0.1:5984', 'AB:CD')).toThrow(
      /not a SHA-256 fingerprint/,
    );
    expect(normaliseFingerprint(` ${'ab'.repeat(32)} `)).toBe(Array(32).fill('AB').join(':'));
  });
});
