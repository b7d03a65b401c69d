import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { staffFixture } from './fixtures';
import { hashPin, isValidPin, verifyPin } from './staff-pin';

describe('staff PINs', () => {
  it('[SI1] a PIN is 4-6 digits and is stored only as a salted hash', () => {
    expect(['1234', '123456'].map(isValidPin)).toEqual([true, true]);
    expect(['123', '1234567', '12a4', ' 1234'].map(isValidPin)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    const staff = staffFixture({ pin: '4321' });
    expect(staff.pinHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(staff)).not.toContain('4321');
    expect(hashPin('4321', '00'.repeat(8))).not.toBe(hashPin('4321', '11'.repeat(8)));
  });

  it('[SI2] only an active staff member with the right PIN signs in', () => {
    const staff = staffFixture({ pin: '2580' });
    expect(verifyPin(staff, '2580')).toBe(true);
    expect(verifyPin(staff, '2581')).toBe(false);
    expect(verifyPin({ ...staff, status: 'left' }, '2580')).toBe(false);
    expect(verifyPin({ ...staff, pinHash: 'zz' }, '2580')).toBe(false);
    fc.assert(
      fc.property(fc.string({ maxLength: 10 }), (pin) => {
        expect(verifyPin(staff, pin)).toBe(pin === '2580');
      }),
    );
  });
});
