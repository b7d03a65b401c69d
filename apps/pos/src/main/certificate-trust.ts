/**
 * [TL5] Which certificate the terminal trusts for the sync server: exactly
 * the one whose SHA-256 fingerprint it is configured with (a self-signed
 * store server's, say), never every certificate. Electron calls the verifier
 * for every TLS connection of the window's session.
 */
import { X509Certificate } from 'node:crypto';

/** Chromium's answers to a certificate check: trust it, refuse it, or check it as usual. */
export const TRUST = 0;
export const REFUSE = -2;
export const USE_CHROMIUM = -3;

/** A fingerprint in one spelling: upper-case hex pairs joined by colons; null when it is not one. */
export function normaliseFingerprint(text: string): string | null {
  const hex = text.replace(/[\s:]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return null;
  return hex.match(/../g)!.join(':');
}

/** What Electron's `setCertificateVerifyProc` passes that matters here. */
export type CertificateCheck = { hostname: string; certificate: { data: string } };

/**
 * The verifier for `session.setCertificateVerifyProc`. For the sync server's
 * host with a configured fingerprint: trust the certificate whose SHA-256
 * fingerprint is that one, refuse any other. Every other host, or no
 * fingerprint: Chromium's own verification.
 */
export function syncCertificateVerifier(
  syncUrl: string,
  fingerprint: string | undefined,
): (check: CertificateCheck, callback: (code: number) => void) => void {
  const url = new URL(syncUrl);
  const pinned = fingerprint === undefined ? null : normaliseFingerprint(fingerprint);
  if (fingerprint !== undefined && !pinned) {
    throw new Error(
      `syncCertFingerprint is not a SHA-256 fingerprint (64 hex digits): ${fingerprint}`,
    );
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return (check, callback) => {
    if (!pinned || url.protocol !== 'https:' || check.hostname.replace(/^\[|\]$/g, '') !== host) {
      callback(USE_CHROMIUM);
      return;
    }
    let presented: string | null;
    try {
      presented = new X509Certificate(check.certificate.data).fingerprint256;
    } catch {
      presented = null;
    }
    callback(presented === pinned ? TRUST : REFUSE);
  };
}
