/**
 * Console sign-in, sessions, TOTP and the row-level-security reader.
 * PLACEHOLDER until the console-auth work lands: an HQ admin token acts as
 * an HQ admin and reads are not scoped. See SPEC.md [UA1]-[UA12].
 */
import { CONSOLE_PERMISSIONS } from '@pos/domain';
import { authenticate } from '../auth';
import type { SyncStorage } from '../storage/storage';
import type { Queryable } from '../storage/write-group';
import type { ConsoleSession } from './context';
import type { ConsoleBase } from './routes';

/** `POST|GET|DELETE /_console/session…`: true when it answered. */
export async function serveSessionRoutes(_base: ConsoleBase): Promise<boolean> {
  return false;
}

export async function authenticateConsole(
  storage: SyncStorage,
  authorization: string | undefined,
  now: Date,
): Promise<ConsoleSession | null> {
  const principal = await authenticate(storage, authorization, now);
  if (principal?.kind !== 'admin') return null;
  return {
    sessionId: `admin:${principal.adminId}`,
    userId: principal.adminId,
    userName: principal.adminId,
    role: 'hq-admin',
    stores: 'all',
    permissions: CONSOLE_PERMISSIONS,
  };
}

export async function scopedReader<T>(
  storage: SyncStorage,
  _session: ConsoleSession,
  work: (q: Queryable) => Promise<T>,
): Promise<T> {
  return storage.sqlTransaction(work);
}
