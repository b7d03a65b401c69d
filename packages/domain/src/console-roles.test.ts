import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CONSOLE_PERMISSIONS, CONSOLE_ROLES, type ConsoleRole } from './console-api';
import {
  AFTER_SIGN_IN,
  LOCKOUT_MS,
  SESSION_MS,
  afterFailedSignIn,
  base32Decode,
  base32Encode,
  displayNameRefusal,
  hotp,
  isLocked,
  lastAdminRefusal,
  maySeeStore,
  otpauthUrl,
  passwordRefusals,
  permissionsOf,
  sessionExpiry,
  signInNameRefusal,
  storeListRefusal,
  totpCode,
  totpMatches,
  visibleStores,
  type SignInGuard,
} from './console-roles';
import { hmacSha256, utf8 } from './hmac';

const role = fc.constantFrom(...CONSOLE_ROLES);

describe('console roles', () => {
  it('[UA1] [UA2] an HQ admin may do everything; prices and users are for HQ admins only', () => {
    expect(permissionsOf('hq-admin')).toEqual([...CONSOLE_PERMISSIONS]);
    for (const r of CONSOLE_ROLES.filter((x) => x !== 'hq-admin')) {
      expect(permissionsOf(r)).not.toContain('prices:edit');
      expect(permissionsOf(r)).not.toContain('users:manage');
    }
    for (const r of ['regional-manager', 'store-manager'] as const) {
      expect(permissionsOf(r)).toEqual([
        'dashboards:read',
        'exceptions:resolve',
        'inventory:edit',
        'labels:edit',
      ]);
    }
    expect(permissionsOf('analyst')).toEqual(['dashboards:read']);
  });

  it('[UA2] every role reads dashboards, and a returned list cannot change the table', () => {
    fc.assert(
      fc.property(role, (r) => {
        const first = permissionsOf(r);
        expect(first).toContain('dashboards:read');
        first.push('users:manage');
        expect(permissionsOf(r).includes('users:manage')).toBe(r === 'hq-admin');
      }),
    );
  });

  it('[UA3] a user sees the stores assigned, in the chain order; all for "all"', () => {
    const chain = ['S001', 'S002', 'S003', 'W01'];
    expect(visibleStores({ stores: 'all' }, chain)).toEqual(chain);
    expect(visibleStores({ stores: ['S003', 'S001', 'GONE'] }, chain)).toEqual(['S001', 'S003']);
    expect(maySeeStore({ stores: ['S001'] }, 'S001')).toBe(true);
    expect(maySeeStore({ stores: ['S001'] }, 'S002')).toBe(false);
    expect(maySeeStore({ stores: 'all' }, 'S002')).toBe(true);
  });

  it('[UA3] visible stores are exactly the chain stores the session may see (property)', () => {
    const id = fc.constantFrom('S001', 'S002', 'S003', 'S004', 'W01');
    fc.assert(
      fc.property(fc.uniqueArray(id), fc.uniqueArray(id), (chain, own) => {
        const seen = visibleStores({ stores: own }, chain);
        for (const s of chain) expect(seen.includes(s)).toBe(maySeeStore({ stores: own }, s));
        for (const s of seen) expect(chain).toContain(s);
      }),
    );
  });

  it('[UA6] managers need at least one valid store; HQ admins and analysts need "all"', () => {
    expect(storeListRefusal('store-manager', ['S001'])).toBeNull();
    expect(storeListRefusal('regional-manager', ['S001', 'S002'])).toBeNull();
    expect(storeListRefusal('store-manager', [])).toMatch(/at least one store/);
    expect(storeListRefusal('store-manager', 'all')).toMatch(/at least one store/);
    expect(storeListRefusal('store-manager', ['S001', 'S001'])).toMatch(/twice/);
    expect(storeListRefusal('store-manager', ['bad id'])).toMatch(/store ids/);
    expect(storeListRefusal('store-manager', ['S009'], new Set(['S001']))).toMatch(
      /S009 does not exist/,
    );
    expect(storeListRefusal('hq-admin', 'all')).toBeNull();
    expect(storeListRefusal('analyst', ['S001'])).toMatch(/"all"/);
  });

  it('[UA6] any value for any role is either accepted or refused with a reason, never thrown', () => {
    fc.assert(
      fc.property(role, fc.anything(), (r: ConsoleRole, stores) => {
        const refusal = storeListRefusal(r, stores);
        expect(refusal === null || refusal.length > 0).toBe(true);
      }),
    );
  });

  it('[UA7] sign-in names are short lower-case words; display names are plain text', () => {
    expect(signInNameRefusal('east')).toBeNull();
    expect(signInNameRefusal('s001.manager')).toBeNull();
    for (const bad of ['', 'a', 'East', '1abc', 'a b', 'x'.repeat(33), 42]) {
      expect(signInNameRefusal(bad)).toMatch(/sign-in name/);
    }
    expect(displayNameRefusal('王经理 Wang')).toBeNull();
    expect(displayNameRefusal('  ')).toMatch(/1-80/);
    expect(displayNameRefusal('a\u0007b')).toMatch(/control/);
  });

  it('[UA8] the password policy names each reason', () => {
    expect(passwordRefusals('east', 'demo-east-2026')).toEqual([
      'the password must not contain the sign-in name',
    ]);
    expect(passwordRefusals('east', 'short')).toEqual([
      'the password needs at least 10 characters (it has 5)',
    ]);
    expect(passwordRefusals('hq', 'aaaaaaaaaaaa')).toEqual([
      'the password must not be one character repeated',
    ]);
    expect(passwordRefusals('hq', 'correct horse battery')).toEqual([]);
    expect(passwordRefusals('hq', 7)).toEqual(['the password must be text']);
    expect(passwordRefusals('hq', '密码密码密码密码密码')).toEqual([]);
  });

  it('[UA8] any password of 10+ varied characters without the name is accepted (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 10, maxLength: 60 }), (password) => {
        fc.pre([...password].length >= 10 && new Set(password).size > 1);
        fc.pre(!password.toLowerCase().includes('zq'));
        expect(passwordRefusals('zq', password)).toEqual([]);
      }),
    );
  });

  it('[UA9] five failures in a row lock the account for 15 minutes; a success clears the count', () => {
    const t0 = new Date('2026-12-07T10:00:00Z');
    let guard: SignInGuard = AFTER_SIGN_IN;
    for (let i = 1; i <= 4; i++) {
      guard = afterFailedSignIn(guard, t0);
      expect(guard).toEqual({ failedAttempts: i, lockedUntil: null });
    }
    guard = afterFailedSignIn(guard, t0);
    expect(guard.lockedUntil).toBe(new Date(t0.getTime() + LOCKOUT_MS).toISOString());
    expect(isLocked(guard, new Date(t0.getTime() + LOCKOUT_MS - 1))).toBe(true);
    expect(isLocked(guard, new Date(t0.getTime() + LOCKOUT_MS))).toBe(false);
    // Guessing while locked does not extend the lock.
    expect(afterFailedSignIn(guard, new Date(t0.getTime() + 60_000))).toBe(guard);
  });

  it('[UA9] never locked before the fifth failure in a row (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 }), (failures) => {
        const now = new Date('2026-12-07T10:00:00Z');
        let guard: SignInGuard = AFTER_SIGN_IN;
        for (let i = 0; i < failures; i++) guard = afterFailedSignIn(guard, now);
        expect(isLocked(guard, now)).toBe(failures >= 5);
      }),
    );
  });

  it('[UA10] a session ends 12 hours after sign-in', () => {
    const t0 = new Date('2026-12-07T10:00:00Z');
    expect(sessionExpiry(t0).getTime() - t0.getTime()).toBe(SESSION_MS);
    expect(sessionExpiry(t0).toISOString()).toBe('2026-12-07T22:00:00.000Z');
  });

  it('[UA11] the last enabled HQ admin can be neither disabled nor demoted', () => {
    const users = [
      { id: 'u1', role: 'hq-admin' as const, disabled: false },
      { id: 'u2', role: 'hq-admin' as const, disabled: true },
      { id: 'u3', role: 'analyst' as const, disabled: false },
    ];
    expect(lastAdminRefusal(users, 'u1', { disabled: true })).toMatch(/last enabled HQ admin/);
    expect(lastAdminRefusal(users, 'u1', { role: 'analyst' })).toMatch(/last enabled HQ admin/);
    expect(lastAdminRefusal(users, 'u1', { role: 'hq-admin', disabled: false })).toBeNull();
    expect(lastAdminRefusal(users, 'u3', { disabled: true })).toBeNull();
    const two = [...users, { id: 'u4', role: 'hq-admin' as const, disabled: false }];
    expect(lastAdminRefusal(two, 'u1', { disabled: true })).toBeNull();
  });

  it('[UA11] no accepted change leaves no enabled HQ admin (property)', () => {
    const user = fc.record({ role, disabled: fc.boolean() });
    fc.assert(
      fc.property(
        fc.array(user, { minLength: 1, maxLength: 6 }),
        fc.nat(),
        fc.record({ role: fc.option(role, { nil: undefined }), disabled: fc.boolean() }),
        (list, pick, change) => {
          const users = list.map((u, i) => ({ ...u, id: `u${i}` }));
          const target = users[pick % users.length]!;
          const before = users.some((u) => u.role === 'hq-admin' && !u.disabled);
          fc.pre(before);
          if (lastAdminRefusal(users, target.id, change) === null) {
            const after = users.map((u) =>
              u.id === target.id
                ? { ...u, role: change.role ?? u.role, disabled: change.disabled }
                : u,
            );
            expect(after.some((u) => u.role === 'hq-admin' && !u.disabled)).toBe(true);
          }
        },
      ),
    );
  });
});

describe('TOTP', () => {
  // RFC 6238 appendix B, HMAC-SHA-256 seed; the last 6 of its 8 digits.
  const seed = utf8('12345678901234567890123456789012');
  const vectors: [number, string][] = [
    [59, '119246'],
    [1111111109, '084774'],
    [1111111111, '062674'],
    [1234567890, '819424'],
    [2000000000, '698825'],
    [20000000000, '737706'],
  ];

  it('[UA12] gives the RFC 6238 test vectors (30-second steps, dynamic truncation)', () => {
    for (const [seconds, code] of vectors) {
      expect(totpCode(hmacSha256, seed, seconds * 1000)).toBe(code);
    }
  });

  it('[UA12] accepts the code of the step before, now and after, and nothing further', () => {
    const now = 1234567890_000;
    const at = (steps: number) => totpCode(hmacSha256, seed, now + steps * 30_000);
    for (const step of [-1, 0, 1]) expect(totpMatches(hmacSha256, seed, at(step), now)).toBe(true);
    for (const step of [-2, 2]) {
      const code = at(step);
      const nearby = [-1, 0, 1].map(at);
      if (!nearby.includes(code)) expect(totpMatches(hmacSha256, seed, code, now)).toBe(false);
    }
    for (const bad of ['', '12345', '1234567', 'abcdef', 819424, null]) {
      expect(totpMatches(hmacSha256, seed, bad, now)).toBe(false);
    }
  });

  it('[UA12] a code is always 6 digits and the current one always matches (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 10, maxLength: 32 }),
        fc.integer({ min: 0, max: 2 ** 41 }),
        (secret, now) => {
          const code = totpCode(hmacSha256, secret, now);
          expect(code).toMatch(/^[0-9]{6}$/);
          expect(totpMatches(hmacSha256, secret, code, now)).toBe(true);
          expect(hotp(hmacSha256, secret, Math.floor(now / 30_000))).toBe(code);
        },
      ),
    );
  });

  it('[UA12] base32 round-trips any bytes and knows the RFC 4648 vectors (property)', () => {
    expect(base32Encode(utf8('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('MZXW6YTBOI======')).toEqual(utf8('foobar'));
    expect(base32Decode('not base32!')).toBeNull();
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
      }),
    );
  });

  it('[UA12] the otpauth address names the issuer, account and secret', () => {
    expect(otpauthUrl('Storefront HQ', 'east', utf8('foobar'))).toBe(
      'otpauth://totp/Storefront%20HQ%3Aeast?secret=MZXW6YTBOI&issuer=Storefront%20HQ&algorithm=SHA1&digits=6&period=30',
    );
  });
});
