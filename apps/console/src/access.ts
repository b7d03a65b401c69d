/**
 * Who is signed in to the console and what they may see. The session token
 * from signing in (name, password, and a TOTP code when the user has one)
 * is kept for the browser tab (sessionStorage). For tools and the demo, a
 * link may carry an HQ admin token in its fragment (`#token=…`, never sent
 * to a server); the page takes it and removes it from the address bar.
 * Screens and actions are shown only when the session's permissions allow
 * them. Pure apart from the storage it is given.
 */
import {
  CONSOLE_PERMISSIONS,
  type ConsolePermission,
  type SessionAnswer,
  type TransferOrder,
} from '@pos/domain';

const KEY = 'console.token';
const KIND_KEY = 'console.tokenKind';

/** A session token from signing in, or an HQ admin token from a link. */
export type Credential = { token: string; kind: 'session' | 'admin' };

/** The token a link's fragment carries (`#token=…`), if any. */
export function tokenOfFragment(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const token = params.get('token')?.trim();
  return token ? token : null;
}

type Place = {
  location: { hash: string; pathname: string; search: string };
  history: { replaceState(data: unknown, unused: string, url: string): void };
  sessionStorage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;
};

/** [HC8] The tab's credential: an admin token from the link's fragment (kept, then removed from the address), else the one kept. */
export function takeCredential(place: Place): Credential | null {
  const fromLink = tokenOfFragment(place.location.hash);
  if (fromLink) {
    keepCredential(place, { token: fromLink, kind: 'admin' });
    place.history.replaceState(null, '', place.location.pathname + place.location.search);
    return { token: fromLink, kind: 'admin' };
  }
  const token = place.sessionStorage.getItem(KEY);
  if (!token) return null;
  return { token, kind: place.sessionStorage.getItem(KIND_KEY) === 'admin' ? 'admin' : 'session' };
}

export function keepCredential(place: Pick<Place, 'sessionStorage'>, credential: Credential): void {
  place.sessionStorage.setItem(KEY, credential.token);
  place.sessionStorage.setItem(KIND_KEY, credential.kind);
}

export function forgetCredential(place: Pick<Place, 'sessionStorage'>): void {
  place.sessionStorage.removeItem(KEY);
  place.sessionStorage.removeItem(KIND_KEY);
}

/** The user id of an admin token's session made here. */
export const ADMIN_TOKEN_USER = 'admin-token';

/**
 * [HC8] What an HQ admin token is, when the server does not describe it
 * (`GET /_console/session` unknown): the server takes it as an HQ admin, so
 * every permission, every store.
 */
export function adminTokenSession(now: Date): SessionAnswer {
  return {
    user: {
      id: ADMIN_TOKEN_USER,
      name: 'admin',
      displayName: 'HQ admin token',
      role: 'hq-admin',
      stores: 'all',
      totpEnabled: false,
      disabled: false,
      createdAt: now.toISOString(),
    },
    permissions: [...CONSOLE_PERMISSIONS],
    expiresAt: new Date(now.getTime() + 12 * 3_600_000).toISOString(),
    stores: [],
  };
}

/** The console's screens, in the navigation's order. */
export const SCREENS = [
  'dashboard',
  'tryons',
  'exceptions',
  'inventory',
  'transfers',
  'labels',
  'users',
  'account',
] as const;
export type ScreenId = (typeof SCREENS)[number];

/** [HC9] The permission a screen needs to be shown (null: every signed-in user). */
export const SCREEN_NEEDS: Record<ScreenId, ConsolePermission | null> = {
  dashboard: 'dashboards:read',
  tryons: 'dashboards:read',
  exceptions: 'dashboards:read',
  inventory: 'dashboards:read',
  transfers: 'dashboards:read',
  labels: 'dashboards:read',
  users: 'users:manage',
  account: null,
};

/** [HC9] Whether the session may do `permission`. */
export function can(
  session: Pick<SessionAnswer, 'permissions'> | null,
  permission: ConsolePermission,
): boolean {
  return !!session && session.permissions.includes(permission);
}

/** [HC9] The screens the session's permissions show, in order. */
export function screensFor(session: Pick<SessionAnswer, 'permissions'>): ScreenId[] {
  return SCREENS.filter((screen) => {
    const needs = SCREEN_NEEDS[screen];
    return needs === null || can(session, needs);
  });
}

/** [HC9] The screen to open: the one asked for if shown, else the first shown. */
export function openScreen(session: Pick<SessionAnswer, 'permissions'>, asked: string): ScreenId {
  const shown = screensFor(session);
  return shown.find((s) => s === asked) ?? shown[0] ?? 'account';
}

/**
 * [HC9] The stores a picker lists: the session's own; when the server
 * names none (an admin token), those seen in the answers so far.
 */
export function pickerStores(
  session: Pick<SessionAnswer, 'stores'>,
  seen: readonly string[],
): { id: string; name: string }[] {
  if (session.stores.length) return session.stores;
  return [...new Set(seen)].sort().map((id) => ({ id, name: id }));
}

/** [HC9] Whether the session may cancel `order`: `inventory:edit`, a transfer not yet shipped. */
export function mayCancelTransfer(
  session: Pick<SessionAnswer, 'permissions'>,
  order: Pick<TransferOrder, 'status' | 'kind'>,
): boolean {
  return (
    can(session, 'inventory:edit') &&
    order.kind === 'transfer' &&
    (order.status === 'draft' || order.status === 'ready')
  );
}
