import { describe, expect, it } from 'vitest';
import { CONSOLE_PERMISSIONS, type ConsolePermission } from '@pos/domain';
import {
  adminTokenSession,
  can,
  forgetCredential,
  keepCredential,
  mayCancelTransfer,
  openScreen,
  pickerStores,
  screensFor,
  takeCredential,
  tokenOfFragment,
} from './access';

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

const may = (...permissions: ConsolePermission[]) => ({ permissions });

describe('signing in', () => {
  it('[HC8] takes an admin token from the link’s fragment, keeps it for the tab and clears the address', () => {
    const tab = place('#token=hq-secret-1');
    expect(takeCredential(tab)).toEqual({ token: 'hq-secret-1', kind: 'admin' });
    expect(tab.addresses).toEqual(['/console/']);
    // The next load of the page (no fragment any more) finds it kept.
    tab.location.hash = '';
    expect(takeCredential(tab)).toEqual({ token: 'hq-secret-1', kind: 'admin' });
    expect(tab.addresses).toEqual(['/console/']);
  });

  it('[HC8] keeps a session token for the tab only; signing out or a refusal forgets it', () => {
    const tab = place('');
    expect(takeCredential(tab)).toBeNull();
    keepCredential(tab, { token: 'session-1', kind: 'session' });
    expect(takeCredential(tab)).toEqual({ token: 'session-1', kind: 'session' });
    forgetCredential(tab);
    expect(takeCredential(tab)).toBeNull();
    expect(tab.kept.size).toBe(0);
    expect(tokenOfFragment('#token=')).toBeNull();
    expect(tokenOfFragment('#other=1&token=a%2Bb')).toBe('a+b');
    expect(tokenOfFragment('#screen=inventory')).toBeNull();
  });

  it('[HC8] an admin token the server does not describe is an HQ admin with every permission', () => {
    const session = adminTokenSession(new Date('2026-12-07T02:00:00.000Z'));
    expect(session.user.role).toBe('hq-admin');
    expect(session.permissions).toEqual([...CONSOLE_PERMISSIONS]);
    expect(session.user.stores).toBe('all');
  });
});

describe('what a role is shown', () => {
  it('[HC9] shows each screen only with the permission it needs; the account to everyone', () => {
    expect(screensFor(may('dashboards:read'))).toEqual([
      'dashboard',
      'tryons',
      'exceptions',
      'inventory',
      'transfers',
      'labels',
      'account',
    ]);
    expect(screensFor(may(...CONSOLE_PERMISSIONS))).toContain('users');
    expect(screensFor(may())).toEqual(['account']);
    expect(can(may('dashboards:read'), 'prices:edit')).toBe(false);
    expect(can(null, 'dashboards:read')).toBe(false);
  });

  it('[HC9] a link to a screen the role may not see opens the first it may', () => {
    expect(openScreen(may('dashboards:read'), 'users')).toBe('dashboard');
    expect(openScreen(may('dashboards:read'), 'labels')).toBe('labels');
    expect(openScreen(may(), 'dashboard')).toBe('account');
    expect(openScreen(may('dashboards:read'), '')).toBe('dashboard');
  });

  it('[HC9] a transfer is cancelled only with inventory:edit and before it is shipped', () => {
    const editor = may('dashboards:read', 'inventory:edit');
    const reader = may('dashboards:read');
    const transfer = (status: 'draft' | 'ready' | 'shipped' | 'received' | 'cancelled') => ({
      kind: 'transfer' as const,
      status,
    });
    expect(mayCancelTransfer(editor, transfer('draft'))).toBe(true);
    expect(mayCancelTransfer(editor, transfer('ready'))).toBe(true);
    expect(mayCancelTransfer(editor, transfer('shipped'))).toBe(false);
    expect(mayCancelTransfer(editor, transfer('cancelled'))).toBe(false);
    expect(mayCancelTransfer(reader, transfer('draft'))).toBe(false);
    expect(mayCancelTransfer(editor, { kind: 'delivery', status: 'shipped' })).toBe(false);
  });

  it('[HC9] store pickers list the session’s stores only; with none named, the stores seen', () => {
    const manager = { stores: [{ id: 'S001', name: '人民广场店' }] };
    expect(pickerStores(manager, ['S002', 'S001'])).toEqual(manager.stores);
    expect(pickerStores({ stores: [] }, ['S002', 'S001', 'S002'])).toEqual([
      { id: 'S001', name: 'S001' },
      { id: 'S002', name: 'S002' },
    ]);
  });
});
