/**
 * [TR1] `POST /_device/token`: a device, authenticated by its current token,
 * gets a new one. The answer is the only place the new token appears.
 */
import { rotateDeviceToken, type Principal } from './auth';
import { SyncError } from './protocol';
import type { SyncStorage } from './storage/storage';

/** The first path segment of the device's own endpoints. */
export const DEVICE_ROUTE = '_device';

export async function serveDeviceToken(request: {
  storage: SyncStorage;
  principal: Principal;
  method: string;
  segments: readonly string[];
  now: Date;
  graceMs: number;
  send(status: number, body: unknown): void;
}): Promise<void> {
  const { principal, segments } = request;
  if (segments.length !== 2 || segments[1] !== 'token') {
    throw new SyncError('not_found', `no such endpoint: /${segments.join('/')}`);
  }
  if (request.method !== 'POST') throw new SyncError('method_not_allowed', 'use POST here');
  if (principal.kind !== 'device') {
    throw new SyncError(
      'forbidden',
      'only a device rotates its own token here; an admin uses `sync-server rotate-device-token`',
    );
  }
  const rotated = await rotateDeviceToken(request.storage, principal.deviceId, {
    now: request.now,
    graceMs: request.graceMs,
  }).catch((error: unknown) => {
    // Revoked between authentication and rotation.
    if (error instanceof Error && /no valid token/.test(error.message)) {
      throw new SyncError('unauthorized', 'this token has been revoked');
    }
    throw error;
  });
  request.send(201, {
    ok: true,
    token: rotated.token,
    deviceId: rotated.deviceId,
    storeId: rotated.storeId,
    previousValidUntil: rotated.previousValidUntil,
  });
}
