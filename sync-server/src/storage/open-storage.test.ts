import { describe, expect, it } from 'vitest';
import { databaseSettingsFromEnv, describeStorage } from './open-storage';

describe('the PostgreSQL settings from the environment', () => {
  const url = 'postgres://pos:secret@pgbouncer:6432/pos';
  const direct = 'postgres://pos:secret@db:5432/pos';

  it('[FL1] DATABASE_SESSION_URL is the direct connection for LISTEN; the same URL as DATABASE_URL means no pooler', () => {
    expect(databaseSettingsFromEnv({ DATABASE_URL: url, DATABASE_SESSION_URL: direct })).toEqual({
      databaseUrl: url,
      databaseSessionUrl: direct,
    });
    expect(databaseSettingsFromEnv({ DATABASE_URL: url, DATABASE_SESSION_URL: url })).toEqual({
      databaseUrl: url,
    });
    expect(databaseSettingsFromEnv({})).toEqual({});
    expect(() => databaseSettingsFromEnv({ DATABASE_SESSION_URL: direct })).toThrow(
      /DATABASE_URL is not/,
    );
    expect(describeStorage({ databaseUrl: url, databaseSessionUrl: direct })).toBe(
      'postgres postgres://pos:***@pgbouncer:6432/pos (pooler; LISTEN on postgres://pos:***@db:5432/pos)',
    );
  });

  it('[FL4] DATABASE_POOL_MAX sets the pool size; anything but a positive whole number is refused', () => {
    expect(databaseSettingsFromEnv({ DATABASE_URL: url, DATABASE_POOL_MAX: '40' })).toEqual({
      databaseUrl: url,
      databasePoolMax: 40,
    });
    for (const bad of ['0', '-1', '2.5', 'ten', '1e3']) {
      expect(() => databaseSettingsFromEnv({ DATABASE_URL: url, DATABASE_POOL_MAX: bad })).toThrow(
        /DATABASE_POOL_MAX must be a positive whole number/,
      );
    }
  });
});
