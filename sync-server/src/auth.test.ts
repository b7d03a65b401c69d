import { describe, expect, it } from 'vitest';
import {
  collectionWriteRefusal,
  factOwnershipRefusal,
  hashToken,
  parseBearer,
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

  it('[A2] reads chain-wide collections fully and store-private ones for its store', () => {
    expect(readScope(device, 'products')).toBeNull();
    expect(readScope(device, 'prices')).toBeNull();
    expect(readScope(device, 'stores')).toBeNull();
    expect(readScope(device, 'stock')).toBe('S002');
    expect(readScope(device, 'sales')).toBe('S002');
  });

  it('[A3] writes only collections that flow up', () => {
    expect(collectionWriteRefusal('sales')).toBeNull();
    for (const db of ['stores', 'products', 'prices', 'stock'] as const) {
      expect(collectionWriteRefusal(db)).toMatch(/flows down only/);
    }
  });

  it('[A4] writes only its own store and device facts', () => {
    expect(factOwnershipRefusal(device, { storeId: 'S002', deviceId: 'S002-POS1' })).toBeNull();
    expect(factOwnershipRefusal(device, { storeId: 'S001', deviceId: 'S002-POS1' })).toMatch(
      /storeId must be this device's store S002/,
    );
    expect(factOwnershipRefusal(device, { storeId: 'S002', deviceId: 'S002-POS2' })).toMatch(
      /deviceId must be this device S002-POS1/,
    );
  });
});
