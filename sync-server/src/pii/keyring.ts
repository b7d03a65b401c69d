/**
 * The keys that protect members' personal information on the server
 * ([PK1], [PK2]): master keys (KEKs) that wrap each member's data key, behind
 * a `Kms` interface so a real key service can stand in for the local one, and
 * the chain's blind-index key ([PI2]). Both come from configuration; without
 * any, the server runs on the published demo keys and says so loudly.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { IndexKey } from '@pos/domain';

/** [PK2] Wraps and unwraps data keys under master keys; `currentKekId` wraps new ones. */
export interface Kms {
  readonly currentKekId: string;
  /** Wraps `dek` under the current master key. */
  wrap(dek: Uint8Array): Promise<{ kekId: string; wrapped: Uint8Array }>;
  /** Unwraps a data key wrapped under master key `kekId` (current or earlier); throws when it cannot. */
  unwrap(kekId: string, wrapped: Uint8Array): Promise<Uint8Array>;
}

/** What the server needs to store and find members' personal information. */
export type PrivacyKeys = {
  kms: Kms;
  /** [PI2] The chain's blind-index key (tills hold the same one). */
  indexKey: IndexKey;
  /** True for the published demo keys: never for real people's data. */
  demo: boolean;
};

export type MasterKey = { id: string; key: Uint8Array };

const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * [PK2] A KMS over master keys held in this process: AES-256-GCM with the
 * key id as associated data, so a wrapped key only unwraps under its own
 * master key. The first key is the current one.
 */
export function localKms(keys: readonly MasterKey[]): Kms {
  const [current] = keys;
  if (!current) throw new Error('a KMS needs at least one master key');
  const byId = new Map<string, Uint8Array>();
  for (const { id, key } of keys) {
    if (!KEY_ID.test(id)) throw new Error(`master key id "${id}" is not a valid id`);
    if (key.length !== 32) throw new Error(`master key ${id} must be 32 bytes, not ${key.length}`);
    if (byId.has(id)) throw new Error(`master key ${id} is given twice`);
    byId.set(id, key);
  }
  return {
    currentKekId: current.id,
    async wrap(dek) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      cipher.setAAD(Buffer.from(current.id));
      const body = Buffer.concat([cipher.update(dek), cipher.final()]);
      return { kekId: current.id, wrapped: Buffer.concat([iv, body, cipher.getAuthTag()]) };
    },
    async unwrap(kekId, wrapped) {
      const key = byId.get(kekId);
      if (!key) throw new Error(`master key ${kekId} is not configured`);
      if (wrapped.length <= IV_BYTES + TAG_BYTES) throw new Error('the wrapped key is truncated');
      const bytes = Buffer.from(wrapped);
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(kekId));
      decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
      return Buffer.concat([
        decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)),
        decipher.final(),
      ]);
    },
  };
}

/** `id:base64key,id:base64key` (first = current), as `PII_MASTER_KEYS` holds them. */
export function parseMasterKeys(text: string): MasterKey[] {
  const keys = text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const colon = part.indexOf(':');
      const id = part.slice(0, colon);
      if (colon < 1 || !KEY_ID.test(id)) {
        throw new Error('PII_MASTER_KEYS: each key is id:base64 (e.g. k2:<44 base64 characters>)');
      }
      const key = Buffer.from(part.slice(colon + 1), 'base64');
      if (key.length !== 32) {
        throw new Error(`PII_MASTER_KEYS: key ${id} must be 32 bytes of base64, not ${key.length}`);
      }
      return { id, key: new Uint8Array(key) };
    });
  if (keys.length === 0) throw new Error('PII_MASTER_KEYS: no key given');
  return keys;
}

/** `id:hex` (at least 32 bytes), as `PII_INDEX_KEY` holds it. */
export function parseIndexKey(text: string): IndexKey {
  const match = /^([A-Za-z0-9][A-Za-z0-9_.-]{0,63}):((?:[0-9a-fA-F]{2}){32,})$/.exec(text.trim());
  if (!match) throw new Error('PII_INDEX_KEY: give id:hex with at least 32 bytes (64 hex digits)');
  return { id: match[1]!, secret: new Uint8Array(Buffer.from(match[2]!, 'hex')) };
}

/**
 * The published demo keys: the master key is derived from a public phrase,
 * and the index key equals the domain's `INDEX_KEY_FIXTURE`, so demo tills
 * and tests hash phones as the demo server does. Never for real people.
 */
export const DEMO_PRIVACY_KEYS: PrivacyKeys = {
  kms: localKms([
    {
      id: 'demo-kek',
      key: new Uint8Array(
        createHash('sha256').update('storefront-pos demo master key: public').digest(),
      ),
    },
  ]),
  indexKey: {
    id: 'ik1',
    secret: new TextEncoder().encode('demo blind-index key, not for production'),
  },
  demo: true,
};

/** The loud line the server logs once when it runs on the demo keys. */
export const DEMO_KEYS_WARNING =
  'WARNING: PII_MASTER_KEYS and PII_INDEX_KEY are not set: members are encrypted under the ' +
  'PUBLISHED DEMO KEYS. Never store real people\u2019s data this way.';

/**
 * [PK2] The keys from the environment: `PII_MASTER_KEYS` and `PII_INDEX_KEY`
 * both, or neither (the demo keys). One without the other, or a malformed
 * one, throws: the server must not start half-configured.
 */
export function privacyKeysFromEnv(env: NodeJS.ProcessEnv = process.env): PrivacyKeys {
  const master = env.PII_MASTER_KEYS?.trim();
  const index = env.PII_INDEX_KEY?.trim();
  if (!master && !index) return DEMO_PRIVACY_KEYS;
  if (!master || !index) {
    throw new Error('set both PII_MASTER_KEYS and PII_INDEX_KEY, or neither (demo keys)');
  }
  return { kms: localKms(parseMasterKeys(master)), indexKey: parseIndexKey(index), demo: false };
}
