/**
 * Device and admin authentication, provisioning, token rotation, and what
 * each may read and write. [A1]-[A8], [TR1]-[TR3]
 */
import { createHash, randomBytes } from 'node:crypto';
import { COLLECTIONS, isOwnFactId, type CollectionName } from '@pos/domain';
import type { StoreScope, SyncStorage } from './storage/storage';

/** Who a bearer token proves the caller to be: a store's device, or an HQ/admin tool. */
export type Principal =
  { kind: 'device'; deviceId: string; storeId: string } | { kind: 'admin'; adminId: string };

export type DevicePrincipal = Extract<Principal, { kind: 'device' }>;

/** A stable key per principal: rate-limit buckets, `_local` documents, revocation. */
export function principalKey(principal: Principal): string {
  return principal.kind === 'device'
    ? `device:${principal.deviceId}`
    : `admin:${principal.adminId}`;
}

/** Device, store and admin ids: short, printable, safe in URLs and document ids. */
const PRINCIPAL_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function principalIdRefusal(what: string, id: string): string | null {
  return PRINCIPAL_ID.test(id)
    ? null
    : `${what} must be 1-64 letters, digits, "-", "_" or ".", starting with a letter or digit`;
}

/** [A5] A new random token (256 bits), shown once and stored only as its hash. */
export function newToken(random: (bytes: number) => Buffer = randomBytes): string {
  return `pos_${random(32).toString('base64url')}`;
}

/** [A1] Tokens are stored as their SHA-256, never in clear. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function parseBearer(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer +([\x21-\x7e]{1,512}) *$/i.exec(header);
  return match?.[1] ?? null;
}

/**
 * [A2] A device reads chain-wide collections fully and store-private ones
 * only for its own store: the scope to filter reads by.
 */
export function readScope(principal: Principal, db: CollectionName): StoreScope {
  if (principal.kind === 'admin') return null; // [A7] admin reads every store
  return COLLECTIONS[db].scope === 'store' ? principal.storeId : null;
}

/**
 * [A11] Facts that flow up chain-wide (point entries: every member's ledger)
 * are not for tills to read; a device reads a member's balance from the
 * member document. Returns why not, or null.
 */
export function readRefusal(principal: Principal, db: CollectionName): string | null {
  const { direction, scope } = COLLECTIONS[db];
  if (principal.kind === 'device' && direction === 'up' && scope === 'chain') {
    return `${db} are read by HQ only; a till reads a member's balance from the member`;
  }
  return null;
}

/** The store a stored document belongs to, for scoped reads: null when chain-wide. */
export function ownerStore(db: CollectionName, body: Record<string, unknown>): string | null {
  const flow = COLLECTIONS[db];
  if (flow.scope !== 'store') return null;
  const store = body[flow.storeField];
  return typeof store === 'string' ? store : null;
}

/**
 * [A3] Devices write only facts (collections that flow up). [A7] Admins write
 * only chain-wide collections that flow down (stores, products, prices, staff,
 * promotions, coupons), never projections such as stock or members, and of
 * the facts only point adjustments ([A10]). Returns why not, or null.
 */
export function collectionWriteRefusal(principal: Principal, db: CollectionName): string | null {
  const { direction, scope } = COLLECTIONS[db];
  if (principal.kind === 'admin') {
    // [PK4] Members too: HQ sends the records (plaintext), the server encrypts them.
    return (direction === 'down' && scope === 'chain') || db === 'pointEntries' || db === 'members'
      ? null
      : `${db} is written by devices or projected by the server; admin tokens cannot write it`;
  }
  return direction === 'up'
    ? null
    : `${db} is owned by the server and flows down only; devices cannot write it`;
}

/** What decides who owns a fact: its store and device, or only its id and location. */
type FactFields = {
  id?: unknown;
  storeId?: unknown;
  deviceId?: unknown;
  location?: unknown;
  kind?: unknown;
  factId?: unknown;
};

/**
 * [A4] A device writes only facts of its own store made by itself:
 * - sales, returns and shift closes name its store and itself;
 * - [A9] stock movements are at its store (`location`), carry an id the
 *   device minted ([D4]: `${deviceId}-` and a ULID), and are not `sale` or
 *   `return` movements, which the server derives from the sale and return facts;
 * - [A10] point entries name one of its own sales or returns ([D4]) with the
 *   id `${factId}:${kind}`, never an `adjust` (adjustments come from HQ with
 *   an admin token); [FX3] the push records only what the server derived.
 * Returns why not, or null.
 */
export function factOwnershipRefusal(
  principal: DevicePrincipal,
  db: CollectionName,
  fact: FactFields,
): string | null {
  const ownId = `${principal.deviceId}-`;
  const exactly = 'then letters and digits only (a ULID)';
  if (db === 'stockMovements') {
    if (fact.location !== principal.storeId) {
      return `location must be this device's store ${principal.storeId}`;
    }
    if (!isOwnFactId(principal.deviceId, fact.id)) {
      return `id must start with this device's id ${ownId}, ${exactly}`;
    }
    if (fact.kind === 'sale' || fact.kind === 'return') {
      return `${fact.kind} movements are derived by the server from the ${fact.kind} facts; push the fact`;
    }
    return null;
  }
  if (db === 'pointEntries') {
    if (fact.kind === 'adjust') return 'point adjustments are made by HQ with an admin token';
    if (!isOwnFactId(principal.deviceId, fact.factId)) {
      return `factId must be a sale or return of this device (start with ${ownId}, ${exactly})`;
    }
    if (fact.id !== `${String(fact.factId)}:${String(fact.kind)}`) {
      return 'id must be `${factId}:${kind}`, as the server derives it from the fact';
    }
    return null;
  }
  if (fact.storeId !== principal.storeId) {
    return `storeId must be this device's store ${principal.storeId}`;
  }
  if (fact.deviceId !== principal.deviceId) {
    return `deviceId must be this device ${principal.deviceId}`;
  }
  return null;
}

/** [A10] What an admin may push of the facts: standalone point adjustments only. */
export function adminFactRefusal(db: CollectionName, fact: FactFields): string | null {
  if (db === 'pointEntries' && fact.kind !== 'adjust') {
    return 'admin tokens push only adjust entries; earn and redeem entries come from sales and returns';
  }
  return null;
}

/** [A1] The principal a bearer token proves, or null. Read on every request, so [A6] revocation is immediate. */
export async function authenticate(
  storage: SyncStorage,
  authorization: string | undefined,
  now: Date = new Date(),
): Promise<Principal | null> {
  const token = parseBearer(authorization);
  if (!token) return null;
  const hash = hashToken(token);
  const device = await storage.findDeviceToken(hash, now);
  if (device) return { kind: 'device', ...device };
  const admin = await storage.findAdminToken(hash);
  return admin ? { kind: 'admin', ...admin } : null;
}

/** Stores a device token chosen by the caller (the demo's public tokens). Only the hash is stored. */
export function provisionDevice(
  storage: SyncStorage,
  token: string,
  device: { deviceId: string; storeId: string },
): Promise<void> {
  return storage.putDeviceToken(hashToken(token), device);
}

export type Provisioned = { token: string; replaced: number };

/**
 * [A5] Binds `device` to its store with a new random token and returns the
 * token (to show once). Any earlier token of the device stops working.
 * Refuses a malformed id or a store that does not exist.
 */
export async function provisionDeviceToken(
  storage: SyncStorage,
  device: { deviceId: string; storeId: string },
  random?: (bytes: number) => Buffer,
): Promise<Provisioned> {
  const invalid =
    principalIdRefusal('the device id', device.deviceId) ??
    principalIdRefusal('the store id', device.storeId);
  if (invalid) throw new Error(invalid);
  const store = (await storage.getDocs('stores', [device.storeId], null)).get(device.storeId);
  if (!store) {
    throw new Error(
      `store ${device.storeId} does not exist; create it first (an admin token can write /stores/_bulk_docs)`,
    );
  }
  const token = newToken(random);
  const replaced = await storage.replaceDeviceToken(hashToken(token), device);
  return { token, replaced };
}

/** [A8] An HQ/admin token, separate from device tokens. Any earlier token of the admin stops working. */
export async function provisionAdminToken(
  storage: SyncStorage,
  adminId: string,
  random?: (bytes: number) => Buffer,
): Promise<Provisioned> {
  const invalid = principalIdRefusal('the admin name', adminId);
  if (invalid) throw new Error(invalid);
  const token = newToken(random);
  const replaced = await storage.replaceAdminToken(hashToken(token), { adminId });
  return { token, replaced };
}

/** [TR1] How long a device's earlier token keeps working after a rotation its new token has not yet ended. */
export const TOKEN_ROTATION_GRACE_MS = 24 * 60 * 60 * 1000;

export type RotatedToken = {
  /** The new token: shown once, stored only hashed. */
  token: string;
  deviceId: string;
  storeId: string;
  /** When the earlier token stops at the latest, if the new one is not used before. */
  previousValidUntil: string;
};

/**
 * [TR1] A new token for a provisioned device. Its earlier token keeps working
 * until the new one is first used ([TR2]) or `graceMs` passes, so a till that
 * never received the answer is not locked out. Refuses a malformed id or a
 * device without a valid token (provision it instead).
 */
export async function rotateDeviceToken(
  storage: SyncStorage,
  deviceId: string,
  options: { now?: Date; graceMs?: number; random?: (bytes: number) => Buffer } = {},
): Promise<RotatedToken> {
  const invalid = principalIdRefusal('the device id', deviceId);
  if (invalid) throw new Error(invalid);
  const graceMs = options.graceMs ?? TOKEN_ROTATION_GRACE_MS;
  if (!Number.isSafeInteger(graceMs) || graceMs < 0) {
    throw new Error(`the grace period must be a whole number of milliseconds >= 0, got ${graceMs}`);
  }
  const now = options.now ?? new Date();
  const graceUntil = new Date(now.getTime() + graceMs);
  const token = newToken(options.random);
  const device = await storage.rotateDeviceToken(deviceId, hashToken(token), { now, graceUntil });
  if (!device) {
    throw new Error(`device ${deviceId} has no valid token to rotate; provision it instead`);
  }
  return { token, ...device, previousValidUntil: graceUntil.toISOString() };
}
