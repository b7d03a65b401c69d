import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FULL_SHARE, ORDER_STATUSES } from '@pos/domain';
import type { ClerkCartLine, QueuedOrder } from '@pos/app-core';
import {
  atpText,
  atpTone,
  cartSections,
  cartUnits,
  creditsOfRows,
  creditSummary,
  distanceWords,
  isOver,
  isPaid,
  percentOfBp,
  percentOfShare,
  queueAttention,
  queueSections,
  shareOfPercent,
  sharesTotal,
  skusOfTags,
  variantLabel,
  wholeNumber,
} from './view';

const line = (
  lineId: string,
  fulfilment: ClerkCartLine['fulfilment'],
  quantity = 1,
): ClerkCartLine => ({
  lineId,
  sku: `SKU-${lineId}`,
  name: lineId,
  variant: null,
  quantity,
  unitPrice: 100,
  fulfilment,
  credits: [{ staffId: 'S001-E01', share: FULL_SHARE }],
});

describe('the screens’ view helpers', () => {
  it('[CL5] groups the cart as the customer gets it: take now, pickup per store, delivery', () => {
    const lines = [
      line('a', { mode: 'pickup', storeId: 'S002', storeName: '徐汇店' }),
      line('b', { mode: 'ship', addressId: 'A1', label: '上海' }),
      line('c', { mode: 'take-now' }, 2),
      line('d', { mode: 'pickup', storeId: 'S003', storeName: '浦东店' }),
      line('e', { mode: 'pickup', storeId: 'S002', storeName: '徐汇店' }),
      line('f', { mode: 'same-city', addressId: 'A1', label: '上海' }),
    ];
    const sections = cartSections({ lines });
    expect(sections.map((s) => [s.key, s.lines.map((l) => l.lineId)])).toEqual([
      ['take-now', ['c']],
      ['pickup:S002', ['a', 'e']],
      ['pickup:S003', ['d']],
      ['delivery', ['b', 'f']],
    ]);
    expect(cartSections({ lines: [] })).toEqual([]);
    expect(cartUnits({ lines })).toBe(7);
  });

  it('says a distance in metres under 1 km, else in km to one decimal', () => {
    expect(distanceWords(0)).toEqual({ unit: 'm', value: '0' });
    expect(distanceWords(846)).toEqual({ unit: 'm', value: '850' });
    expect(distanceWords(3050)).toEqual({ unit: 'km', value: '3.0' });
    expect(distanceWords(12_130)).toEqual({ unit: 'km', value: '12.1' });
    expect(distanceWords(250_400)).toEqual({ unit: 'km', value: '250' });
  });

  it('[VG2] shows a figure not known as "—", never as 0', () => {
    expect(atpText(null)).toBe('—');
    expect(atpText(undefined)).toBe('—');
    expect(atpText(0)).toBe('0');
    expect(atpTone(null)).toBe('unknown');
    expect(atpTone(0)).toBe('none');
    expect(atpTone(2)).toBe('low');
    expect(atpTone(3)).toBe('ok');
  });

  it('[CM1] reads back every share it shows as a percent', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: FULL_SHARE }), (share) => {
        expect(shareOfPercent(percentOfShare(share))).toBe(share);
      }),
    );
    expect(percentOfShare(5000)).toBe('50');
    expect(percentOfShare(3333)).toBe('33.33');
    expect(percentOfShare(3350)).toBe('33.5');
  });

  it('[CM1] refuses a typed percent that is no share', () => {
    for (const typed of ['', 'abc', '-5', '100.01', '101', '33.333', '1e2']) {
      expect(shareOfPercent(typed), typed).toBeNull();
    }
    expect(shareOfPercent(' 12,5 ')).toBe(1250);
  });

  it('[CM1] turns the editor’s rows into credits for the desk to check, leaving out blank rows', () => {
    const rows = [
      { staffId: 's001-e01', percent: '60' },
      { staffId: '', percent: '' },
      { staffId: 'S001-E03', percent: 'forty' },
    ];
    expect(creditsOfRows(rows)).toEqual([
      { staffId: 'S001-E01', share: 6000 },
      { staffId: 'S001-E03', share: 0 },
    ]);
    expect(sharesTotal(rows)).toBe(6000);
    expect(creditSummary([{ staffId: 'S001-E01', share: FULL_SHARE }])).toBe('S001-E01');
    expect(
      creditSummary([
        { staffId: 'S001-E01', share: 5000 },
        { staffId: 'S001-E03', share: 5000 },
      ]),
    ).toBe('S001-E01 50 %, S001-E03 50 %');
  });

  it('[CL9] stops asking for the status once an order is paid or over, never both', () => {
    const statuses = ORDER_STATUSES;
    for (const s of statuses) expect(isPaid(s) && isOver(s), s).toBe(false);
    expect(isPaid('held')).toBe(false);
    expect(isOver('held')).toBe(false);
    expect(isPaid('paid')).toBe(true);
    expect(isOver('expired')).toBe(true);
  });

  it('[CL8] lists the device’s orders as waiting, placed and failed, newest first', () => {
    const q = (id: string, state: QueuedOrder['state'], createdAt: string): QueuedOrder => ({
      request: {
        requestId: id,
        staffId: 'S001-E01',
        customer: { memberId: 'M1' },
        lines: [],
        createdAt,
      },
      state,
      attempts: 0,
    });
    const queue = [
      q('a', 'queued', '2026-12-07T01:00:00Z'),
      q('b', 'failed', '2026-12-07T02:00:00Z'),
      q('c', 'queued', '2026-12-07T03:00:00Z'),
      q('d', 'placed', '2026-12-07T04:00:00Z'),
    ];
    const sections = queueSections(queue);
    expect(sections.waiting.map((x) => x.request.requestId)).toEqual(['c', 'a']);
    expect(sections.failed.map((x) => x.request.requestId)).toEqual(['b']);
    expect(sections.placed.map((x) => x.request.requestId)).toEqual(['d']);
    expect(queueAttention(queue)).toBe(3);
  });

  it('reads a keypad number only within its range', () => {
    expect(wholeNumber('12', 1, 999)).toBe(12);
    expect(wholeNumber('0', 1, 999)).toBeNull();
    expect(wholeNumber('1000', 1, 999)).toBeNull();
    expect(wholeNumber('', 1, 999)).toBeNull();
    expect(wholeNumber('1.5', 1, 999)).toBeNull();
  });
});

describe('the fitting-room and count screens’ helpers', () => {
  it('[TA11] accuracy in percent: whole when whole, else one decimal', () => {
    expect(percentOfBp(10_000)).toBe('100');
    expect(percentOfBp(6667)).toBe('66.7');
    expect(percentOfBp(0)).toBe('0');
    expect(percentOfBp(Number.NaN)).toBe('—');
  });

  it('[TA9] colour and size as one label; the SKUs of a room once each', () => {
    expect(variantLabel({ colour: '白', size: 'M' })).toBe('白 · M');
    expect(variantLabel({ colour: null, size: 'M' })).toBe('M');
    expect(variantLabel({ colour: null, size: null })).toBeNull();
    expect(skusOfTags([{ sku: 'A' }, { sku: null }, { sku: 'A' }, { sku: 'B' }])).toEqual([
      'A',
      'B',
    ]);
  });
});
