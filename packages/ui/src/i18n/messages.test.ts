import { describe, expect, it } from 'vitest';
import { deviceStateText, messageText, problemText } from './messages';

describe('messages in the screen’s language', () => {
  it('words a domain refusal by its code in Chinese, and keeps the English words in English', () => {
    const message = {
      tone: 'error' as const,
      text: 'return quantities exceed what was sold',
      code: 'RETURN_EXCEEDS_SOLD',
    };
    expect(messageText('zh-CN', message)).toBe('退货数量超过了售出数量');
    expect(messageText('en', message)).toBe('return quantities exceed what was sold');
  });

  it('says what was being done, then the hub’s error, both in Chinese', () => {
    const message = {
      tone: 'error' as const,
      text: 'Receipt not printed: no answer',
      code: 'HUB_TIMEOUT',
      context: 'Receipt not printed',
    };
    expect(messageText('zh-CN', message)).toBe('小票未打印：设备服务没有响应，请重试');
  });

  it('falls back to the English words for a code it does not know, or an error without one', () => {
    const unknown = { tone: 'error' as const, text: 'Something new', code: 'SOMETHING_NEW' };
    expect(messageText('zh-CN', unknown)).toBe('Something new');
    expect(messageText('zh-CN', { tone: 'error', text: 'disk full', code: 'FAILED' })).toBe(
      'disk full',
    );
    const failed = {
      tone: 'error' as const,
      text: 'The return was not recorded: disk full',
      code: 'FAILED',
      context: 'The return was not recorded',
    };
    expect(messageText('zh-CN', failed)).toBe('退货未记录：disk full');
    expect(messageText('zh-CN', { tone: 'info', text: 'Cart resumed' })).toBe('已取单');
  });

  it('words the app core’s refusals and notices with their params, in Chinese', () => {
    const member = {
      tone: 'info' as const,
      text: 'Member 李娜',
      code: 'MEMBER_ATTACHED',
      params: { name: '李娜' },
    };
    expect(messageText('zh-CN', member)).toBe('会员 李娜');
    expect(messageText('en', member)).toBe('Member 李娜');
    const recorded = {
      tone: 'info' as const,
      text: 'Offline: member 139****9003 is recorded with the sale and attached later',
      code: 'MEMBER_RECORDED_ON_SALE',
      params: { phone: '139****9003' },
    };
    expect(messageText('zh-CN', recorded)).toBe(
      '本机没有会员 139****9003：已记录在销售单上，上传后由服务器关联',
    );
    const noKey = {
      tone: 'error' as const,
      text: 'this terminal has no member index key; scan the member QR',
      code: 'MEMBER_INDEX_KEY_MISSING',
    };
    expect(messageText('zh-CN', noKey)).toMatch(/请扫描会员码/);
    expect(messageText('en', noKey)).toBe(noKey.text);
    const short = {
      tone: 'error' as const,
      text: 'Cash received is less than 12.30',
      code: 'CASH_SHORT',
      params: { amount: '12.30' },
    };
    expect(messageText('zh-CN', short)).toBe('实收现金少于应收 12.30');
    const open = { tone: 'error' as const, text: 'A sale is still on the till', code: 'CART_OPEN' };
    expect(messageText('zh-CN', open)).toMatch(/挂单/);
  });

  it('words device problems and states by their codes', () => {
    const paperOut = {
      code: 'PAPER_OUT' as const,
      message: 'Printer out of paper',
      action: 'Load a new paper roll and close the cover, then print again.',
      blocksPrinting: true,
    };
    expect(problemText('zh-CN', paperOut)).toBe('打印机缺纸。装入新纸卷并合上盖子，然后重新打印。');
    expect(problemText('en', paperOut)).toBe(
      'Printer out of paper. Load a new paper roll and close the cover, then print again.',
    );
    const offline = {
      id: 'p1',
      kind: 'printer' as const,
      state: 'offline' as const,
      message: 'printer is offline',
    };
    expect(deviceStateText('zh-CN', offline)).toBe('离线');
    expect(deviceStateText('en', offline)).toBe('printer is offline');
  });
});
