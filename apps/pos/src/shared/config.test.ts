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
});
