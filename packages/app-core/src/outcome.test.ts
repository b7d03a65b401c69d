import { describe, expect, it } from 'vitest';
import { DomainError } from '@pos/domain';
import { HubRequestError } from '@pos/hardware/browser-bridge';
import { errorCode, refusalOf } from './outcome';

describe('outcomes', () => {
  it('[AC1] reads the code of domain and hub errors, and nothing else', () => {
    expect(errorCode(new DomainError('COUPON_USED', 'used'))).toBe('COUPON_USED');
    expect(errorCode(new HubRequestError('NO_PRINTER', 'none'))).toBe('NO_PRINTER');
    expect(errorCode(new Error('plain'))).toBeUndefined();
    expect(errorCode({ code: 'ENOENT lowercase?' })).toBeUndefined();
    expect(errorCode(null)).toBeUndefined();
  });

  it('[AC1] turns an error into a refusal that says what was being done', () => {
    expect(
      refusalOf(new HubRequestError('HUB_TIMEOUT', 'no answer'), 'Receipt not printed'),
    ).toEqual({
      ok: false,
      code: 'HUB_TIMEOUT',
      message: 'Receipt not printed: no answer',
      context: 'Receipt not printed',
    });
    expect(refusalOf(new Error('disk full'))).toEqual({
      ok: false,
      code: 'FAILED',
      message: 'disk full',
    });
  });
});
