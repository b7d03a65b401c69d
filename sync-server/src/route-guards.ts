/**
 * The two checks every service endpoint starts with: the method, and for HQ
 * endpoints an admin token. One refusal text each, wherever the endpoint lives.
 */
import type { Principal } from './auth';
import { SyncError } from './protocol';

/** Refuses any method but `methods` with 405. */
export function allow(method: string, ...methods: string[]): void {
  if (!methods.includes(method)) {
    throw new SyncError('method_not_allowed', `use ${methods.join(' or ')} here`);
  }
}

/** Refuses a device (or anyone but an admin) with 403. */
export function adminOnly(principal: Principal): void {
  if (principal.kind !== 'admin') {
    throw new SyncError('forbidden', 'this endpoint is for HQ tools with an admin token');
  }
}
