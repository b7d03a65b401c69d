import { describe, expect, it } from 'vitest';
import { DomainError } from '@pos/domain';
import { HubRequestError } from '@pos/hardware/browser-bridge';
import { deviceStateText, messageText, problemText } from './i18n';
import { errorCode, usePosStore } from './store';

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
    usePosStore
      .getState()
      .showError('Receipt not printed', new HubRequestError('HUB_TIMEOUT', 'no answer'));
    const message = usePosStore.getState().message!;
    expect(message).toEqual({
      tone: 'error',
      text: 'Receipt not printed: no answer',
      code: 'HUB_TIMEOUT',
      context: 'Receipt not printed',
    });
    expect(messageText('zh-CN', message)).toBe('小票未打印：设备服务没有响应，请重试');
  });

  it('falls back to the English words for a code it does not know, or an error without one', () => {
    const unknown = { tone: 'error' as const, text: 'Something new', code: 'SOMETHING_NEW' };
    expect(messageText('zh-CN', unknown)).toBe('Something new');
    usePosStore.getState().showError(null, new Error('disk full'));
    expect(messageText('zh-CN', usePosStore.getState().message!)).toBe('disk full');
    expect(messageText('zh-CN', { tone: 'info', text: 'Cart resumed' })).toBe('已取单');
  });

  it('reads the code of domain and hub errors, and nothing else', () => {
    expect(errorCode(new DomainError('COUPON_USED', 'used'))).toBe('COUPON_USED');
    expect(errorCode(new HubRequestError('NO_PRINTER', 'none'))).toBe('NO_PRINTER');
    expect(errorCode(new Error('plain'))).toBeUndefined();
    expect(errorCode({ code: 'ENOENT lowercase?' })).toBeUndefined();
    expect(errorCode(null)).toBeUndefined();
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
