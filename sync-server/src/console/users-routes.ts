/**
 * `/_console/users`: the HQ admin's user management ([UC12]-[UC14]).
 * Thin: parse, check `users:manage`, call users.ts, send.
 */
import { hasPermission } from '@pos/domain';
import { SyncError } from '../protocol';
import type { ConsoleHandler } from './context';
import { createConsoleUser, listConsoleUsers, parseCreateUser, updateConsoleUser } from './users';

const USER_ID = /^[A-Za-z0-9_.-]{1,64}$/;

export const serveUserRoutes: ConsoleHandler = async (request) => {
  const [, head, id, ...rest] = request.segments;
  if (head !== 'users') return false;
  if (!hasPermission(request.session, 'users:manage')) {
    throw new SyncError('forbidden', 'managing console users needs the users:manage permission');
  }
  if (id === undefined) {
    if (request.method === 'GET') {
      request.send(200, { users: await listConsoleUsers(request.storage) });
      return true;
    }
    if (request.method === 'POST') {
      const body = parseCreateUser(await request.readJson());
      request.send(201, await createConsoleUser(request.storage, body, request.now()));
      return true;
    }
    throw new SyncError('method_not_allowed', 'use GET (list) or POST (create)');
  }
  if (rest.length > 0 || !USER_ID.test(id)) {
    throw new SyncError('not_found', `no such endpoint: /${request.segments.join('/')}`);
  }
  if (request.method !== 'PATCH') throw new SyncError('method_not_allowed', 'use PATCH');
  const body = (await request.readJson()) as Parameters<typeof updateConsoleUser>[2];
  const user = await updateConsoleUser(request.storage, id, body);
  request.log('info', `console user ${user.name} changed by ${request.session.userName}`);
  request.send(200, user);
  return true;
};
