import { describe, expect, it } from 'vitest';
import { isTerminalConfig } from './config';
import { TEST_TERMINAL_CONFIG } from './config.fixture';

describe('terminal configuration', () => {
  it('[PI2] takes a member index key as an id and a hex secret, and none at all', () => {
    expect(isTerminalConfig(TEST_TERMINAL_CONFIG)).toBe(true);
    const withKey = { ...TEST_TERMINAL_CONFIG, memberIndexKey: { id: 'ik1', secretHex: '0a1b' } };
    expect(isTerminalConfig(withKey)).toBe(true);
    for (const memberIndexKey of [{ id: 'ik1' }, { id: 'ik1', secretHex: 'xyz' }, 'ik1', null]) {
      expect(isTerminalConfig({ ...TEST_TERMINAL_CONFIG, memberIndexKey })).toBe(false);
    }
  });

  it('[PU1] [PU4] takes the pickup keys as lists of ids and hex secrets, and none at all', () => {
    const keys = [{ id: 'pk1', secretHex: '0a1b' }];
    const withKeys = { ...TEST_TERMINAL_CONFIG, pickupStoreKeys: keys, pickupQrKeys: keys };
    expect(isTerminalConfig(withKeys)).toBe(true);
    for (const bad of [
      { id: 'pk1', secretHex: '0a1b' },
      [{ id: 'pk1' }],
      [{ id: 'pk1', secretHex: 'zz' }],
    ]) {
      expect(isTerminalConfig({ ...TEST_TERMINAL_CONFIG, pickupStoreKeys: bad })).toBe(false);
      expect(isTerminalConfig({ ...TEST_TERMINAL_CONFIG, pickupQrKeys: bad })).toBe(false);
    }
  });
});
