/**
 * The console's sign-in until HQ's users and roles arrive: an HQ admin
 * token entered once and kept for the browser tab (sessionStorage). The
 * demo prints a link with the token in the fragment (`#token=…`, never sent
 * to a server); the page takes it and removes it from the address bar.
 */

const KEY = 'console.adminToken';

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

/** The token of this tab: from the link's fragment (kept, then removed from the address), else the one kept. */
export function takeToken(place: Place): string | null {
  const fromLink = tokenOfFragment(place.location.hash);
  if (fromLink) {
    place.sessionStorage.setItem(KEY, fromLink);
    place.history.replaceState(null, '', place.location.pathname + place.location.search);
    return fromLink;
  }
  return place.sessionStorage.getItem(KEY);
}

export function keepToken(place: Pick<Place, 'sessionStorage'>, token: string): void {
  place.sessionStorage.setItem(KEY, token);
}

export function forgetToken(place: Pick<Place, 'sessionStorage'>): void {
  place.sessionStorage.removeItem(KEY);
}
