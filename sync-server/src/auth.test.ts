import { describe, expect, it } from 'vitest';
import {
  adminFactRefusal,
  collectionWriteRefusal,
  factOwnershipRefusal,
  hashToken,
  ownerStore,
  newToken,
  parseBearer,
  principalIdRefusal,
  principalKey,
  readRefusal,
  readScope,
  type Principal,
} from './auth';

const device: Principal = { kind: 'device', deviceId: 'S002-POS1', storeId: 'S002' };

describe('device auth', () => {
  it('[A1] stores tokens as SHA-256 hex, never in clear', () => {
    expect(hashToken('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });

  it('[A1] reads a bearer token and nothing else', () => {
    expect(parseBearer('Bearer demo-s001-pos1')).toBe('demo-s001-pos1');
    expect(parseBearer('bearer  t0k3n ')).toBe('t0k3n');
    expect(parseBearer(undefined)).toBeNull();
    expect(parseBearer('Basic dXNlcjpwYXNz')).toBeNull();
    expect(parseBearer('Bearer ')).toBeNull();
    expect(parseBearer('Bearer a b')).toBeNull();
  });

  it("[A11] a device never reads the chain's point ledger; an admin does", () => {
    expect(readRefusal(device, 'pointEntries')).toMatch(/read by HQ only/);
    for (const db of ['members', 'saleFacts', 'stockMovements', 'products'] as const) {
      expect(readRefusal(device, db)).toBeNull();
    }
    expect(readRefusal({ kind: 'admin', adminId: 'hq' }, 'pointEntries')).toBeNull();
  });

  it('[A2] reads chain-wide collections fully and store-private ones for its store', () => {
    expect(readScope(device, 'products')).toBeNull();
    expect(readScope(device, 'prices')).toBeNull();
    expect(readScope(device, 'stores')).toBeNull();
    expect(readScope(device, 'stock')).toBe('S002');
    expect(readScope(device, 'saleFacts')).toBe('S002');
    expect(readScope(device, 'members')).toBe('S002');
    expect(readScope(device, 'stockMovements')).toBe('S002');
  });

  it('[A2] store-private documents belong to the store their store field names', () => {
    expect(ownerStore('members', { id: 'M1', homeStoreId: 'S001' })).toBe('S001');
    expect(ownerStore('stockMovements', { id: 'x', location: 'S002' })).toBe('S002');
    expect(ownerStore('saleFacts', { id: 'x', storeId: 'S002' })).toBe('S002');
    expect(ownerStore('pointEntries', { id: 'x', memberId: 'M1' })).toBeNull();
  });

  it('[A3] writes only collections that flow up', () => {
    expect(collectionWriteRefusal(device, 'saleFacts')).toBeNull();
    for (const db of ['stores', 'products', 'prices', 'stock'] as const) {
      expect(collectionWriteRefusal(device, db)).toMatch(/flows down only/);
    }
  });

  it('[A4] writes only its own store and device facts', () => {
    for (const db of ['saleFacts', 'returns', 'shifts'] as const) {
      expect(
        factOwnershipRefusal(device, db, { storeId: 'S002', deviceId: 'S002-POS1' }),
      ).toBeNull();
      expect(factOwnershipRefusal(device, db, { storeId: 'S001', deviceId: 'S002-POS1' })).toMatch(
        /storeId must be this device's store S002/,
      );
      expect(factOwnershipRefusal(device, db, { storeId: 'S002', deviceId: 'S002-POS2' })).toMatch(
        /deviceId must be this device S002-POS1/,
      );
    }
  });

  it('[A9] pushes stock movements only at its store, with its own ids, never sale or return ones', () => {
    const receive = { id: 'S002-POS1-01', location: 'S002', kind: 'receive' };
    expect(factOwnershipRefusal(device, 'stockMovements', receive)).toBeNull();
    expect(
      factOwnershipRefusal(device, 'stockMovements', { ...receive, location: 'S001' }),
    ).toMatch(/location must be this device's store S002/);
    expect(
      factOwnershipRefusal(device, 'stockMovements', { ...receive, id: 'S002-POS2-01' }),
    ).toMatch(/id must start with this device's id S002-POS1-/);
    for (const kind of ['sale', 'return']) {
      expect(factOwnershipRefusal(device, 'stockMovements', { ...receive, kind })).toMatch(
        /derived by the server/,
      );
    }
  });

  it('[D4] [A9] [A10] a device whose id prefixes another never writes in its namespace', () => {
    const pos1 = { kind: 'device', deviceId: 'S001-POS1', storeId: 'S001' } as const;
    const pos1b = { kind: 'device', deviceId: 'S001-POS1-B', storeId: 'S001' } as const;
    const ulid = '01J0000000000000000000000A';
    const move = (id: string) => ({ id, location: 'S001', kind: 'receive' });
    expect(factOwnershipRefusal(pos1, 'stockMovements', move(`S001-POS1-${ulid}`))).toBeNull();
    expect(factOwnershipRefusal(pos1b, 'stockMovements', move(`S001-POS1-B-${ulid}`))).toBeNull();
    expect(factOwnershipRefusal(pos1, 'stockMovements', move(`S001-POS1-B-${ulid}`))).toMatch(
      /id must start with this device's id S001-POS1-, then letters and digits/,
    );
    expect(factOwnershipRefusal(pos1b, 'stockMovements', move(`S001-POS1-${ulid}`))).toMatch(
      /id must start/,
    );
    const earn = (factId: string) => ({ id: `${factId}:earn`, kind: 'earn', factId });
    expect(factOwnershipRefusal(pos1, 'pointEntries', earn(`S001-POS1-B-${ulid}`))).toMatch(
      /factId must be a sale or return of this device/,
    );
  });

  it('[A10] pushes only the point entries of its own facts; adjustments are for admins', () => {
    const earn = { id: 'S002-POS1-01:earn', kind: 'earn', factId: 'S002-POS1-01' };
    expect(factOwnershipRefusal(device, 'pointEntries', earn)).toBeNull();
    expect(
      factOwnershipRefusal(device, 'pointEntries', { ...earn, id: 'S002-POS1-01:bonus' }),
    ).toMatch(/id must be/);
    expect(
      factOwnershipRefusal(device, 'pointEntries', {
        id: 'S001-POS1-01:earn',
        kind: 'earn',
        factId: 'S001-POS1-01',
      }),
    ).toMatch(/factId must be a sale or return of this device/);
    expect(factOwnershipRefusal(device, 'pointEntries', { ...earn, kind: 'adjust' })).toMatch(
      /admin token/,
    );
  });
});

describe('tokens and admins', () => {
  const admin: Principal = { kind: 'admin', adminId: 'hq-tools' };

  it('[A5] makes 256-bit random tokens that a bearer header carries', () => {
    const tokens = new Set(Array.from({ length: 50 }, () => newToken()));
    expect(tokens.size).toBe(50);
    for (const token of tokens) {
      expect(token).toMatch(/^pos_[A-Za-z0-9_-]{43}$/);
      expect(parseBearer(`Bearer ${token}`)).toBe(token);
    }
    expect(newToken((n) => Buffer.alloc(n, 0))).toBe(`pos_${'A'.repeat(43)}`);
  });

  it('[A5] accepts short printable ids only', () => {
    expect(principalIdRefusal('the device id', 'S001-POS2')).toBeNull();
    for (const bad of ['', '-S1', 'a b', 'a/b', 'x'.repeat(65), '店1']) {
      expect(principalIdRefusal('the device id', bad)).toMatch(/the device id must be/);
    }
  });

  it('[A7] an admin reads every store and writes only chain-wide collections that flow down', () => {
    expect(readScope(admin, 'stock')).toBeNull();
    expect(readScope(admin, 'saleFacts')).toBeNull();
    for (const db of ['stores', 'products', 'prices'] as const) {
      expect(collectionWriteRefusal(admin, db)).toBeNull();
    }
    for (const db of ['stock', 'saleFacts', 'stockMovements'] as const) {
      expect(collectionWriteRefusal(admin, db)).toMatch(/admin tokens cannot write it/);
    }
  });

  it('[PK4] an admin writes members (as records the server encrypts)', () => {
    expect(collectionWriteRefusal(admin, 'members')).toBeNull();
    expect(collectionWriteRefusal(device, 'members')).toMatch(/devices cannot write it/);
  });

  it('[A10] an admin pushes point adjustments, never earn or redeem entries', () => {
    expect(collectionWriteRefusal(admin, 'pointEntries')).toBeNull();
    expect(adminFactRefusal('pointEntries', { kind: 'adjust' })).toBeNull();
    expect(adminFactRefusal('pointEntries', { kind: 'earn' })).toMatch(/only adjust entries/);
  });

  it('[A8] keys devices and admins apart', () => {
    expect(principalKey(device)).toBe('device:S002-POS1');
    expect(principalKey(admin)).toBe('admin:hq-tools');
  });
});
