/**
 * Device authentication and what a device may read and write. [A1]-[A4]
 */
import { createHash } from 'node:crypto';
import { COLLECTIONS, type CollectionName } from '@pos/domain';
import type { StoreScope, SyncStorage } from './storage/storage';

/** A device's identity, proven by its bearer token. HQ/admin principals come later. */
export type Principal = { kind: 'device'; deviceId: string; storeId: string };

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
  return COLLECTIONS[db].scope === 'store' ? principal.storeId : null;
}

/** The store a stored document belongs to, for scoped reads: null when chain-wide. */
export function ownerStore(db: CollectionName, body: { storeId?: unknown }): string | null {
  if (COLLECTIONS[db].scope !== 'store') return null;
  return typeof body.storeId === 'string' ? body.storeId : null;
}

/** [A3] Devices write only facts (collections that flow up). Returns why not, or null. */
export function collectionWriteRefusal(db: CollectionName): string | null {
  return COLLECTIONS[db].direction === 'up'
    ? null
    : `${db} is owned by the server and flows down only; devices cannot write it`;
}

/** [A4] A device writes only facts of its own store and made by itself. Returns why not, or null. */
export function factOwnershipRefusal(
  principal: Principal,
  fact: { storeId?: unknown; deviceId?: unknown },
): string | null {
  if (fact.storeId !== principal.storeId) {
    return `storeId must be this device's store ${principal.storeId}`;
  }
  if (fact.deviceId !== principal.deviceId) {
    return `deviceId must be this device ${principal.deviceId}`;
  }
  return null;
}

export async function authenticate(
  storage: SyncStorage,
  authorization: string | undefined,
): Promise<Principal | null> {
  const token = parseBearer(authorization);
  if (!token) return null;
  const device = await storage.findDeviceToken(hashToken(token));
  return device ? { kind: 'device', ...device } : null;
}

/** Provisions (or re-binds) a device token. Only the hash is stored. */
export function provisionDevice(
  storage: SyncStorage,
  token: string,
  device: { deviceId: string; storeId: string },
): Promise<void> {
  return storage.putDeviceToken(hashToken(token), device);
}
