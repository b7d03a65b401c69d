import { describe, expect, it } from 'vitest';
import { encodeText, escpos } from './escpos';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex').match(/../g)?.join(' ') ?? '';

describe('ESC/POS commands', () => {
  it('writes the documented bytes', () => {
    expect(hex(escpos.init())).toBe('1b 40');
    expect(hex(escpos.bold(true))).toBe('1b 45 01');
    expect(hex(escpos.bold(false))).toBe('1b 45 00');
    expect(hex(escpos.align('center'))).toBe('1b 61 01');
    expect(hex(escpos.align('right'))).toBe('1b 61 02');
    expect(hex(escpos.size(2, 2))).toBe('1d 21 11');
    expect(hex(escpos.size(1, 1))).toBe('1d 21 00');
    expect(hex(escpos.feed(3))).toBe('1b 64 03');
    expect(hex(escpos.partialCut())).toBe('1d 56 42 00');
  });

  it('[E3] kicks the drawer on pin 2 with 50 ms on and 500 ms off', () => {
    expect(hex(escpos.drawerKick())).toBe('1b 70 00 19 fa');
    expect(hex(escpos.drawerKick({ pin: 1, onTime: 50, offTime: 50 }))).toBe('1b 70 01 32 32');
  });

  it('[E1] sends ASCII as-is and Chinese as GB18030 inside FS & … FS .', () => {
    expect(hex(encodeText('Cola'))).toBe('43 6f 6c 61');
    // 中 = D6 D0, 文 = CE C4 in GB18030 (as in GB2312)
    expect(hex(encodeText('A中文B'))).toBe('41 1c 26 d6 d0 ce c4 1c 2e 42');
    expect(hex(escpos.line('x'))).toBe('78 0a');
  });

  it('[E2] text never carries control bytes', () => {
    expect(hex(encodeText('A\x1bpB\n'))).toBe('41 3f 70 42 3f');
  });
});
