/**
 * The sync server's certificate: reading a configured one, checking that the
 * key belongs to it, its SHA-256 fingerprint (what a till pins), and a
 * self-signed one for the demo, made in JavaScript without an openssl binary.
 * [TX1]-[TX4]
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';

/** A PEM certificate (chain) and its private key. */
export type TlsOptions = { cert: string | Buffer; key: string | Buffer };

export type TlsFiles = { certFile: string; keyFile: string };

/** [TX3] The SHA-256 fingerprint of a PEM certificate, as `AB:CD:...` (64 hex digits). */
export function certificateFingerprint(cert: string | Buffer): string {
  return new X509Certificate(cert).fingerprint256;
}

/** A fingerprint in one spelling: upper-case hex pairs joined by colons; null when it is not one. */
export function normaliseFingerprint(text: string): string | null {
  const hex = text.replace(/[\s:]/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(hex)) return null;
  return hex.match(/../g)!.join(':');
}

/**
 * [TX2] Checks that `tls` is a certificate and the key that belongs to it;
 * throws an error that says which is wrong. Returns the fingerprint.
 */
export function checkTls(tls: TlsOptions, where = 'the TLS options'): string {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(tls.cert);
  } catch (error) {
    throw new Error(
      `${where}: the certificate is not a PEM certificate (${(error as Error).message})`,
      { cause: error },
    );
  }
  let key;
  try {
    key = createPrivateKey(tls.key);
  } catch (error) {
    throw new Error(`${where}: the key is not a PEM private key (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (!cert.checkPrivateKey(key)) {
    throw new Error(`${where}: the key does not belong to the certificate`);
  }
  return cert.fingerprint256;
}

/** [TX2] Reads and checks a certificate and key from PEM files. */
export function readTlsFiles(files: TlsFiles): TlsOptions {
  const read = (path: string, what: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new Error(`cannot read the TLS ${what} ${path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
  };
  const tls = { cert: read(files.certFile, 'certificate'), key: read(files.keyFile, 'key') };
  checkTls(tls, `${files.certFile} and ${files.keyFile}`);
  return tls;
}

/**
 * [TX2] The certificate and key files named by flags or, failing those, by
 * `TLS_CERT_FILE` and `TLS_KEY_FILE`; null for plain HTTP. One without the
 * other is refused.
 */
export function tlsFilesOf(
  flags: { certFile?: string | undefined; keyFile?: string | undefined },
  env: Record<string, string | undefined> = process.env,
): TlsFiles | null {
  const certFile = flags.certFile ?? env.TLS_CERT_FILE;
  const keyFile = flags.keyFile ?? env.TLS_KEY_FILE;
  if (!certFile && !keyFile) return null;
  if (!certFile || !keyFile) {
    throw new Error(
      'HTTPS needs both a certificate and its key (--tls-cert and --tls-key, or TLS_CERT_FILE and TLS_KEY_FILE)',
    );
  }
  return { certFile, keyFile };
}

/** Names this machine is reached by: localhost, loopback and, where found, its host name and LAN addresses. */
export function localNames(): string[] {
  const names = new Set(['localhost', '127.0.0.1', '::1']);
  const host = hostname();
  if (/^[A-Za-z0-9.-]{1,253}$/.test(host)) names.add(host.toLowerCase());
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) {
      // Link-local IPv6 addresses need a zone to be reached; a certificate cannot name one.
      if (!address.internal && !address.address.startsWith('fe80:')) names.add(address.address);
    }
  }
  return [...names];
}

const IP = /^[0-9.]+$|:/;

export type GeneratedCertificate = { cert: string; key: string; fingerprint: string };

/**
 * [TX4] A self-signed certificate (ECDSA P-256, SHA-256) for `names` (host
 * names and IP addresses), valid from `now` for `days`.
 */
export async function generateCertificate(options: {
  names: readonly string[];
  now?: Date;
  days?: number;
}): Promise<GeneratedCertificate> {
  const notBeforeDate = options.now ?? new Date();
  const notAfterDate = new Date(notBeforeDate.getTime() + (options.days ?? 825) * 86_400_000);
  const [commonName = 'localhost'] = options.names;
  // Loaded here: only the demo and tests make certificates.
  const { generate } = await import('selfsigned');
  const pems = await generate([{ name: 'commonName', value: commonName }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: options.names.map((name) =>
          IP.test(name) ? { type: 7 as const, ip: name } : { type: 2 as const, value: name },
        ),
      },
    ],
  });
  return { cert: pems.cert, key: pems.private, fingerprint: certificateFingerprint(pems.cert) };
}

/** Whether `cert` is valid a day after `now` and names every one of `names`. */
function stillServes(cert: X509Certificate, names: readonly string[], now: Date): boolean {
  if (new Date(cert.validTo).getTime() < now.getTime() + 86_400_000) return false;
  return names.every((name) =>
    IP.test(name) ? cert.checkIP(name) !== undefined : cert.checkHost(name) !== undefined,
  );
}

export type DemoCertificate = TlsFiles &
  TlsOptions & { fingerprint: string; /** Made now rather than reused. */ created: boolean };

/**
 * [TX4] The demo's certificate in `dir` (`sync-server.crt`, `sync-server.key`):
 * reused while it is valid for another day and names every one of `names`,
 * otherwise made anew. The key is readable by its owner only.
 */
export async function ensureDemoCertificate(
  dir: string,
  options: { names?: readonly string[]; now?: Date } = {},
): Promise<DemoCertificate> {
  const names = options.names ?? localNames();
  const now = options.now ?? new Date();
  const certFile = join(dir, 'sync-server.crt');
  const keyFile = join(dir, 'sync-server.key');
  if (existsSync(certFile) && existsSync(keyFile)) {
    try {
      const tls = readTlsFiles({ certFile, keyFile });
      if (stillServes(new X509Certificate(tls.cert), names, now)) {
        return {
          ...tls,
          certFile,
          keyFile,
          fingerprint: certificateFingerprint(tls.cert),
          created: false,
        };
      }
    } catch {
      // Unreadable or mismatched: made anew below.
    }
  }
  const made = await generateCertificate({ names, now });
  mkdirSync(dir, { recursive: true });
  writeFileSync(keyFile, made.key, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  writeFileSync(certFile, made.cert);
  return {
    cert: made.cert,
    key: made.key,
    certFile,
    keyFile,
    fingerprint: made.fingerprint,
    created: true,
  };
}
