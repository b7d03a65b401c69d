/**
 * Pushes `tryOn` facts to the sync server as a device does ([FR3]): `POST
 * <url>/facts/_bulk_docs` with `{ docs }`, the device's bearer token and the
 * sync contract's headers (`X-Pos-Protocol`, `X-Pos-Schema` naming the one
 * collection it writes, `facts`). Each document is the fact with its `kind`
 * and `_id`. The server answers a row per document: stored (again, for a
 * fact it already holds: facts are stored once by id, [TO7]), or refused
 * with its reason.
 */
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { SCHEMA_VERSIONS, syncVersionHeaders, type TryOnFact } from '@pos/domain';
import { errorMessage } from '../errors';

export type FactPushTarget = {
  /** The sync server's base URL, e.g. `https://127.0.0.1:5984`. */
  url: string;
  /** The fitting-room service's device token. */
  token: string;
  /**
   * An HTTPS sync server's certificate by its SHA-256 fingerprint (hex, colons
   * optional), as tills pin it: that certificate is trusted, any other
   * refused. Without it, the system's trusted authorities decide.
   */
  certFingerprint?: string;
  /** Lets tests swap the fetch used. */
  fetch?: typeof fetch;
};

export type PushResult =
  | {
      ok: true;
      /** Ids the server now holds. */
      accepted: string[];
      /** [FR3] Ids it refused as invalid (or as another fact under the same id), with its reason. */
      refused: { id: string; reason: string }[];
      /** Ids it could not take now (its own trouble): pushed again later. */
      retry: string[];
    }
  /** Nothing was taken: a network error, a refused token or versions, a 5xx. Retried with backoff. */
  | { ok: false; message: string; status?: number };

/** Row errors that say the document itself is wrong: retrying cannot help. */
const FINAL_ROW_ERRORS = new Set(['bad_request', 'forbidden', 'conflict', 'too_large']);

/** The `facts` document of a try-on fact, as the server expects it. */
export function tryOnDoc(fact: TryOnFact): Record<string, unknown> {
  const { id, ...body } = fact;
  return { _id: id, ...body, kind: 'tryOn' };
}

export async function pushTryOnFacts(
  target: FactPushTarget,
  facts: readonly TryOnFact[],
): Promise<PushResult> {
  const doFetch =
    target.fetch ??
    (target.certFingerprint !== undefined
      ? pinnedFetch(target.certFingerprint)
      : globalThis.fetch.bind(globalThis));
  const url = `${target.url.replace(/\/+$/, '')}/facts/_bulk_docs`;
  let response: Response;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        Authorization: `Bearer ${target.token}`,
        ...syncVersionHeaders({ facts: SCHEMA_VERSIONS.facts }),
      },
      body: JSON.stringify({ docs: facts.map(tryOnDoc) }),
    });
  } catch (error) {
    return { ok: false, message: `cannot reach the sync server: ${errorMessage(error)}` };
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (response.status !== 201 && response.status !== 200) {
    const reason =
      typeof body === 'object' && body !== null && 'reason' in body
        ? String((body as { reason: unknown }).reason)
        : response.statusText;
    return {
      ok: false,
      status: response.status,
      message: `the sync server answered ${response.status}: ${reason}`,
    };
  }
  if (!Array.isArray(body)) {
    return { ok: false, status: response.status, message: 'the sync server answered no rows' };
  }
  const pushedIds = new Set(facts.map((fact) => fact.id));
  const result = {
    ok: true as const,
    accepted: [] as string[],
    refused: [] as { id: string; reason: string }[],
    retry: [] as string[],
  };
  const answered = new Set<string>();
  for (const row of body as unknown[]) {
    if (typeof row !== 'object' || row === null) continue;
    const { id, ok, error, reason } = row as Record<string, unknown>;
    if (typeof id !== 'string' || !pushedIds.has(id) || answered.has(id)) continue;
    answered.add(id);
    if (ok === true) result.accepted.push(id);
    else if (typeof error === 'string' && FINAL_ROW_ERRORS.has(error)) {
      result.refused.push({ id, reason: typeof reason === 'string' ? reason : error });
    } else result.retry.push(id);
  }
  for (const id of pushedIds) if (!answered.has(id)) result.retry.push(id);
  return result;
}

const pinnedFetches = new Map<string, typeof fetch>();

/**
 * A fetch (POST with a JSON body is all the push needs) to an HTTPS server
 * whose certificate has the given SHA-256 fingerprint: the certificate is
 * read once, checked, and then trusted as the only authority.
 */
export function pinnedFetch(fingerprint: string): typeof fetch {
  const pin = fingerprint.replace(/:/g, '').toUpperCase();
  if (!/^[0-9A-F]{64}$/.test(pin)) {
    throw new Error(`certFingerprint is not a SHA-256 fingerprint (64 hex digits): ${fingerprint}`);
  }
  const known = pinnedFetches.get(pin);
  if (known) return known;
  const trusted = new Map<string, Promise<string>>();
  const pinned = (async (input: string | URL, init: RequestInit = {}) => {
    const url = new URL(String(input));
    if (url.protocol !== 'https:')
      throw new Error(`a pinned certificate needs https: ${url.origin}`);
    let ca = trusted.get(url.host);
    if (!ca) {
      ca = pinnedCertificate(url, pin);
      trusted.set(url.host, ca);
      ca.catch(() => trusted.delete(url.host));
    }
    return httpsPost(url, init, await ca);
  }) as typeof fetch;
  pinnedFetches.set(pin, pinned);
  return pinned;
}

/** The server's certificate (PEM) when its SHA-256 fingerprint is `pin`; else an error saying whose it is. */
async function pinnedCertificate(url: URL, pin: string): Promise<string> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const socket = tlsConnect({
    host,
    port: Number(url.port || 443),
    ...(isIP(host) ? {} : { servername: host }),
    rejectUnauthorized: false,
  });
  try {
    await once(socket, 'secureConnect');
    const certificate = new X509Certificate(socket.getPeerCertificate().raw);
    const seen = certificate.fingerprint256.replace(/:/g, '');
    if (seen !== pin) {
      throw new Error(
        `the sync server's certificate (SHA-256 ${certificate.fingerprint256}) is not the pinned one`,
      );
    }
    return certificate.toString();
  } finally {
    socket.destroy();
  }
}

function httpsPost(url: URL, init: RequestInit, ca: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      url,
      {
        method: init.method ?? 'POST',
        headers: init.headers as Record<string, string>,
        ca,
        // The pinned certificate is the only authority; its names need not match the address used.
        checkServerIdentity: () => undefined,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve(
            new Response(
              [204, 205, 304].includes(response.statusCode ?? 0) ? null : Buffer.concat(chunks),
              {
                status: response.statusCode ?? 500,
                statusText: response.statusMessage ?? '',
              },
            ),
          ),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(typeof init.body === 'string' ? init.body : undefined);
  });
}
