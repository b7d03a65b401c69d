/**
 * [PT6] `/_admin/points-programme`: the chain's points programme ([MP7]),
 * server data that only an admin token reads and sets. Thin: parse, check
 * with the domain's validator, write, log who changed it.
 */
import { pointsProgrammeProblems, type PointsProgramme } from '@pos/domain';
import { readPointsProgramme, writePointsProgramme } from './ledgers';
import { SyncError } from './protocol';
import type { ServiceRequest } from './service-routes';

/**
 * [PT6] `GET` answers `{programme}` (null when none is set); `PUT` a valid
 * programme sets it for the sales recorded from then on and answers
 * `{ok: true, changed, programme}`; an invalid one is a 400 listing every
 * problem and changes nothing. Admin tokens only; each change is logged.
 */
export async function servePointsProgramme(request: ServiceRequest): Promise<void> {
  const { principal, storage } = request;
  if (request.method !== 'GET' && request.method !== 'PUT') {
    throw new SyncError('method_not_allowed', 'use GET or PUT here');
  }
  if (principal.kind !== 'admin') {
    throw new SyncError('forbidden', 'this endpoint is for HQ tools with an admin token');
  }
  if (request.method === 'GET') {
    const programme = await readPointsProgramme({
      getDocs: (db, ids) => storage.getDocs(db, ids, null),
    });
    request.send(200, { programme });
    return;
  }
  const body = await request.readJson();
  const problems = pointsProgrammeProblems(body);
  if (problems.length) {
    throw new SyncError('bad_request', `not a points programme: ${problems.join('; ')}`);
  }
  const programme = body as PointsProgramme;
  const at = (request.now?.() ?? new Date()).toISOString();
  const changed = await storage.transaction((tx) =>
    writePointsProgramme(tx, programme, at, principal.adminId),
  );
  request.log?.('info', 'points programme set', {
    adminId: principal.adminId,
    changed,
    programme,
  });
  request.send(200, { ok: true, changed, programme });
}
