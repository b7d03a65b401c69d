/**
 * `/_console/…`: the HQ console's API. Signs in and out without a token
 * ([UA5]); every other path needs a console session (or an HQ admin token,
 * which acts as an HQ admin, for tools), then goes to the feature that owns
 * it. A path no feature owns is 404. See SPEC.md [UA1]-[UA12].
 */
import { SyncError } from '../protocol';
import type { ConsoleHandler, ConsoleRequest, ConsoleSession } from './context';
import { serveSessionRoutes, authenticateConsole, scopedReader } from './sessions';
import { serveUserRoutes } from './users-routes';
import { serveDashboardRoutes } from './dashboard-routes';
import { serveExceptionRoutes } from './exception-routes';
import { serveInventoryConsoleRoutes } from '../inventory/console-routes';
import { serveLabelConsoleRoutes } from '../esl/console-routes';

export const CONSOLE_API_ROUTE = '_console';

/** The features' handlers, tried in order. */
const HANDLERS: readonly ConsoleHandler[] = [
  serveUserRoutes,
  serveDashboardRoutes,
  serveExceptionRoutes,
  serveInventoryConsoleRoutes,
  serveLabelConsoleRoutes,
];

export type ConsoleBase = Omit<ConsoleRequest, 'session' | 'scoped'> & {
  authorization: string | undefined;
};

export async function serveConsole(base: ConsoleBase): Promise<void> {
  if (await serveSessionRoutes(base)) return;
  const session: ConsoleSession | null = await authenticateConsole(
    base.storage,
    base.authorization,
    base.now(),
  );
  if (!session) {
    throw new SyncError('unauthorized', 'sign in to the console (POST /_console/session)');
  }
  const request: ConsoleRequest = {
    ...base,
    session,
    scoped: (work) => scopedReader(base.storage, session, work),
  };
  for (const handler of HANDLERS) if (await handler(request)) return;
  throw new SyncError('not_found', `no such endpoint: /${base.segments.join('/')}`);
}
