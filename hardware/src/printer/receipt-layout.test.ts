import type { Receipt } from '@pos/domain';
import { sampleReceipt } from '../hub/test-fixtures';
import { describe, expect, it } from 'vitest';
import { decodeEscPos, type EscPosRecord } from './escpos-decoder';
import { formatSaleTime, renderReceipt } from './receipt-layout';
import { displayWidth } from './text-width';

const receipt = sampleReceipt;

type Line = Extract<EscPosRecord, { kind: 'line' }>;
const linesOf = (records: EscPosRecord[]) => records.filter((r): r is Line => r.kind === 'line');

describe('renderReceipt', () => {
  it('[RL1] prints a 32-column receipt a decoder reads back line for line', () => {
    const records = decodeEscPos(renderReceipt(receipt, { columns: 32 }));
    expect(records.filter((r) => r.kind === 'error')).toEqual([]);
    expect(linesOf(records).map((l) => l.text)).toEqual([
      'Storefront',
      '南京路店',
      '南京东路 100 号',
      '--------------------------------',
      'Sale           POS-01-01JD5X4Q2M',
      'Time         2026-11-22 11:00:13',
      '--------------------------------',
      '可口可乐 330ml    2 x 3.50  7.00',
      'Bread             1 x 5.50  5.50',
      '--------------------------------',
      'TOTAL                      12.50',
      'Cash                       20.00',
      'CHANGE                      7.50',
      '--------------------------------',
      'Thank you 谢谢惠顾',
    ]);
    expect(records.slice(-2)).toEqual([
      { kind: 'feed', lines: 3 },
      { kind: 'cut', partial: true },
    ]);
  });

  it('[RL1] every body line fills the paper width, with amounts ending in the last column', () => {
    for (const columns of [32, 48] as const) {
      const lines = linesOf(decodeEscPos(renderReceipt(receipt, { columns })));
      const body = lines.filter((l) => l.style.align === 'left');
      for (const line of body) expect(displayWidth(line.text)).toBe(columns);
      const item = body.find((l) => l.text.startsWith('可口可乐'));
      // "可口可乐" is 4 characters but 8 columns: the figures still line up with TOTAL's.
      expect(item?.text.length).toBe(columns - 4);
      expect(item?.text.endsWith(' 7.00')).toBe(true);
      expect(body.find((l) => l.text.startsWith('TOTAL'))?.text).toBe(
        `TOTAL${' '.repeat(columns - 10)}12.50`,
      );
    }
  });

  it('centers the header and footer, and prints the store name bold and double size', () => {
    const lines = linesOf(decodeEscPos(renderReceipt(receipt, { columns: 48 })));
    expect(lines[0]).toEqual({
      kind: 'line',
      text: 'Storefront 南京路店',
      style: { align: 'center', bold: true, width: 2, height: 2 },
    });
    expect(lines[1]?.style.align).toBe('center');
    expect(lines.at(-1)).toMatchObject({
      text: 'Thank you 谢谢惠顾',
      style: { align: 'center', width: 1 },
    });
    expect(lines.find((l) => l.text.startsWith('TOTAL'))?.style.bold).toBe(true);
  });

  it('[RL2] wraps a long name above its figures, and never cuts a figure', () => {
    const long: Receipt = {
      ...receipt,
      lines: [
        {
          name: '农夫山泉天然饮用水 550ml 整箱 24 瓶装',
          quantity: 1,
          unitPrice: 3990,
          amount: 3990,
        },
      ],
      total: 3990,
      tenders: [{ label: 'Cash', amount: 3990 }],
      change: 0,
    };
    const texts = linesOf(decodeEscPos(renderReceipt(long, { columns: 32 }))).map((l) => l.text);
    const at = texts.indexOf('农夫山泉天然饮用水 550ml 整箱 24');
    expect(texts.slice(at, at + 3)).toEqual([
      '农夫山泉天然饮用水 550ml 整箱 24',
      '瓶装',
      '                1 x 39.90  39.90',
    ]);
  });
});

describe('formatSaleTime', () => {
  it('prints the time as written, marking UTC, or in a given zone', () => {
    expect(formatSaleTime('2026-11-22T11:00:13+08:00')).toBe('2026-11-22 11:00:13');
    expect(formatSaleTime('2026-11-22T03:00:13.000Z')).toBe('2026-11-22 03:00:13 UTC');
    expect(formatSaleTime('2026-11-22T03:00:13.000Z', 'Asia/Shanghai')).toBe('2026-11-22 11:00:13');
    expect(formatSaleTime('yesterday')).toBe('yesterday');
  });
});
