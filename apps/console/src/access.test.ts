import { describe, expect, it } from 'vitest';
import { forgetToken, keepToken, takeToken, tokenOfFragment } from './access';

function place(hash: string) {
  const kept = new Map<string, string>();
  const addresses: string[] = [];
  return {
    addresses,
    kept,
    location: { hash, pathname: '/console/', search: '' },
    history: { replaceState: (_d: unknown, _u: string, url: string) => addresses.push(url) },
    sessionStorage: {
      getItem: (k: string) => kept.get(k) ?? null,
      setItem: (k: string, v: string) => void kept.set(k, v),
      removeItem: (k: string) => void kept.delete(k),
    },
  };
}

describe('signing in with an HQ admin token', () => {
  it('[HC1] takes the token from the link’s fragment, keeps it for the tab and clears the address', () => {
    const tab = place('#token=hq-secret-1');
    expect(takeToken(tab)).toBe('hq-secret-1');
    expect(tab.addresses).toEqual(['/console/']);
    expect([...tab.kept.values()]).toEqual(['hq-secret-1']);
    // The next load of the page (no fragment any more) finds it kept.
    tab.location.hash = '';
    expect(takeToken(tab)).toBe('hq-secret-1');
    expect(tab.addresses).toEqual(['/console/']);
  });

  it('[HC1] without a link or a kept token asks for one; a refused token is forgotten', () => {
    const tab = place('');
    expect(takeToken(tab)).toBeNull();
    keepToken(tab, 'typed');
    expect(takeToken(tab)).toBe('typed');
    forgetToken(tab);
    expect(takeToken(tab)).toBeNull();
    expect(tokenOfFragment('#token=')).toBeNull();
    expect(tokenOfFragment('#other=1&token=a%2Bb')).toBe('a+b');
  });
});
