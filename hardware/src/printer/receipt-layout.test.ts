import { validateSaleFact, type SaleReceipt } from '@pos/domain';
import { describe, expect, it } from 'vitest';
import {
  sampleReceipt,
  sampleReceiptCode,
  sampleReceiptZh,
  sampleSaleFact,
} from '../hub/test-fixtures';
import { expectGolden, printed } from './golden.fixture';
import { decodeEscPos, type EscPosRecord } from './escpos-decoder';
import { formatSaleTime, layoutReceipt, renderReceipt } from './receipt-layout';
import { displayWidth } from './text-width';

type Line = Extract<EscPosRecord, { kind: 'line' }>;
const linesOf = (records: EscPosRecord[]) => records.filter((r): r is Line => r.kind === 'line');
describe('golden receipts of a realistic sale', () => {
  it('[LY1][LY3] a Chinese receipt on 58 mm paper: exact bytes, and what the customer reads', () => {
    expect(validateSaleFact(sampleSaleFact)).toEqual([]);
    const bytes = renderReceipt(sampleReceiptZh, {
      columns: 32,
      language: 'zh-CN',
      timeZone: 'Asia/Shanghai',
    });
    expectGolden('receipt-zh-58mm.hex', bytes);
    expect(printed(bytes)).toEqual([
      '南京路店',
      '上海市南京东路 100 号',
      '--------------------------------',
      '单号                            ',
      'S001-POS1-01JD5X4Q2M7K8N9P0Q1R2S',
      '                            3T4V',
      '时间         2026-11-22 11:00:13',
      '收银员                      王芳',
      '--------------------------------',
      '农夫山泉 550ml   3 x 2.50   7.50',
      '  买二送一 3 for 2         -2.50',
      '香蕉 Banana      0.512 kg   4.60',
      '可口可乐 330ml   2 x 3.50   7.00',
      '  满减券 ¥2 off            -2.00',
      'Crème brûlée 焦糖布丁           ',
      '                1 x 12.90  12.90',
      '  会员价 −10%             -1.29',
      '--------------------------------',
      '小计                       32.00',
      '优惠                       -5.79',
      '含增值税 13% (21.61)        2.49',
      '含增值税 9% (4.60)          0.38',
      '合计                       26.21',
      '抹零                       -0.01',
      '应付                       26.20',
      '--------------------------------',
      '微信支付                   10.00',
      '  参考号                        ',
      '    4200001234202611220012345678',
      '积分抵扣                    1.00',
      '  使用 100 积分                 ',
      '现金                       20.00',
      '找零                        4.80',
      '--------------------------------',
      '会员积分                    张三',
      '  本次获得                   +26',
      '  本次使用                  -100',
      '  积分余额                  1234',
      '--------------------------------',
      '退换货请出示此码',
      `[QR: ${sampleReceiptCode}]`,
      // Too long for a Code 128 on 58 mm paper: printed as text under the QR.
      'R.S001-POS1-01JD5X4Q2M7K8N9P0Q1R',
      '2S3T4V.343T7K1DO',
      '--------------------------------',
      '谢谢惠顾 7 天内凭小票退换',
    ]);
  });

  it('[LY1][LY3] an English receipt on 80 mm paper: exact bytes, and what the customer reads', () => {
    const bytes = renderReceipt(sampleReceipt, {
      columns: 48,
      language: 'en',
      timeZone: 'Asia/Shanghai',
    });
    expectGolden('receipt-en-80mm.hex', bytes);
    expect(printed(bytes)).toEqual([
      'Storefront 南京路店',
      '南京东路 100 号, Shanghai',
      '------------------------------------------------',
      'Sale        S001-POS1-01JD5X4Q2M7K8N9P0Q1R2S3T4V',
      'Time                         2026-11-22 11:00:13',
      'Cashier                                Wang Fang',
      '------------------------------------------------',
      '农夫山泉 550ml                   3 x 2.50   7.50',
      '  买二送一 3 for 2                         -2.50',
      '香蕉 Banana                      0.512 kg   4.60',
      '可口可乐 330ml                   2 x 3.50   7.00',
      '  满减券 ¥2 off                            -2.00',
      'Crème brûlée 焦糖布丁           1 x 12.90  12.90',
      '  会员价 −10%                             -1.29',
      '------------------------------------------------',
      'Subtotal                                   32.00',
      'Discount                                   -5.79',
      'incl. VAT 13% (21.61)                       2.49',
      'incl. VAT 9% (4.60)                         0.38',
      'TOTAL                                      26.21',
      'Rounding                                   -0.01',
      'AMOUNT DUE                                 26.20',
      '------------------------------------------------',
      'WeChat Pay                                 10.00',
      '  Ref               4200001234202611220012345678',
      'Points                                      1.00',
      '  100 points                                    ',
      'Cash                                       20.00',
      'CHANGE                                      4.80',
      '------------------------------------------------',
      'Member points                          Zhang San',
      '  Earned                                     +26',
      '  Redeemed                                  -100',
      '  Balance                                   1234',
      '------------------------------------------------',
      'Receipt code for returns',
      `[QR: ${sampleReceiptCode}]`,
      sampleReceiptCode,
      '------------------------------------------------',
      'Thank you for shopping with us',
    ]);
  });

  it('[LY1] every left-aligned line fills the paper (CJK = 2 columns), figures in the last column', () => {
    for (const [receipt, columns, language] of [
      [sampleReceiptZh, 32, 'zh-CN'],
      [sampleReceipt, 48, 'en'],
    ] as const) {
      const records = decodeEscPos(renderReceipt(receipt, { columns, language }));
      const body = linesOf(records).filter((l) => l.style.align === 'left');
      expect(body.length).toBeGreaterThan(30);
      for (const line of body) expect(displayWidth(line.text)).toBe(columns);
      const cola = body.find((l) => l.text.startsWith('可口可乐'));
      // "可口可乐" is 4 characters but 8 columns: the figures still line up.
      expect(cola?.text.length).toBe(columns - 4);
      expect(cola?.text.endsWith(' 7.00')).toBe(true);
    }
  });

  it('[LY3][SR3] shows a price override under its line: the list price replaced and the approver', () => {
    const overridden: SaleReceipt = {
      ...sampleReceipt,
      lines: sampleReceipt.lines.map((line, i) =>
        i === 3 ? { ...line, override: { listPrice: 1590, by: 'S001-E02', byName: '陈强' } } : line,
      ),
    };
    const en = printed(renderReceipt(overridden, { columns: 48, language: 'en' }));
    const at = en.indexOf('Crème brûlée 焦糖布丁           1 x 12.90  12.90');
    expect(en.slice(at, at + 3)).toEqual([
      'Crème brûlée 焦糖布丁           1 x 12.90  12.90',
      '  Price override, was 15.90                 陈强',
      '  会员价 −10%                             -1.29',
    ]);
    const zh = printed(renderReceipt(overridden, { columns: 32, language: 'zh-CN' }));
    expect(zh).toContain(`  改价 原价 15.90${' '.repeat(11)}陈强`);
    // No override, no row.
    expect(printed(renderReceipt(sampleReceipt, { columns: 48 })).join('\n')).not.toContain(
      'Price override',
    );
  });

  it('[LY3] prints the receipt code as a model 2 QR with error correction M, centered', () => {
    const records = decodeEscPos(renderReceipt(sampleReceipt, { columns: 48 }));
    expect(records.filter((r) => r.kind === 'qr')).toEqual([
      { kind: 'qr', data: sampleReceiptCode, model: 2, errorCorrection: 'M', size: 6 },
    ]);
    expect(records.slice(-2)).toEqual([
      { kind: 'feed', lines: 3 },
      { kind: 'cut', partial: true },
    ]);
  });

  it('[LY3] a receipt code that fits the paper is also a Code 128 with its text below', () => {
    const receipt: SaleReceipt = { ...sampleReceipt, receiptCode: 'R.S1-42.ABCD' };
    const records = decodeEscPos(renderReceipt(receipt, { columns: 32 }));
    expect(records.filter((r) => r.kind === 'barcode')).toEqual([
      {
        kind: 'barcode',
        symbology: 'CODE128',
        data: 'R.S1-42.ABCD',
        hri: 'below',
        width: 2,
        height: 80,
      },
    ]);
    const paper = printed(renderReceipt(receipt, { columns: 48 }));
    const qr = paper.indexOf('[QR: R.S1-42.ABCD]');
    expect(paper.slice(qr, qr + 3)).toEqual([
      '[QR: R.S1-42.ABCD]',
      '[CODE128: R.S1-42.ABCD]',
      'R.S1-42.ABCD',
    ]);
    // 15 symbols × 11 + 2 + quiet zones = 187 modules: 3 dots each on 80 mm (576 dots).
    const wide = decodeEscPos(renderReceipt(receipt, { columns: 48 }));
    expect(wide.find((r) => r.kind === 'barcode')).toMatchObject({ width: 3 });
  });
});

describe('layoutReceipt', () => {
  const base = sampleReceipt;

  it('[LY3] leaves out what the sale does not have: rounding 0, no member, no code, no discount', () => {
    const plain: SaleReceipt = {
      ...base,
      lines: [{ name: 'Bread', quantity: 1, unitPrice: 550, amount: 550, savings: [], net: 550 }],
      subtotal: 550,
      discount: 0,
      tax: [{ taxClass: 'VAT9', rateBp: 900, tax: 45, gross: 550 }],
      total: 550,
      rounding: 0,
      due: 550,
      tenders: [{ kind: 'card', amount: 550, reference: 'T-1' }],
      change: 0,
    };
    delete plain.member;
    delete plain.points;
    delete plain.receiptCode;
    const texts = layoutReceipt(plain, { columns: 32 }).flatMap((i) =>
      'text' in i ? [i.text] : [],
    );
    expect(texts.join('\n')).not.toMatch(/Rounding|Discount|Member|Receipt code/);
    expect(texts).toContain('Card                        5.50');
    expect(texts).toContain('  Ref                        T-1');
    expect(layoutReceipt(plain, { columns: 32 }).some((i) => 'code' in i)).toBe(false);
  });

  it('[LY3] an exclusive-tax sale says VAT (not incl. VAT); a member without a balance shows none', () => {
    const { pointsBalance: _balance, ...member } = base.member ?? { id: 'M' };
    const receipt: SaleReceipt = { ...base, priceBasis: 'exclusive', member };
    const texts = layoutReceipt(receipt, { columns: 48 }).flatMap((i) =>
      'text' in i ? [i.text] : [],
    );
    expect(texts.some((t) => t.startsWith('VAT 13% (21.61)'))).toBe(true);
    expect(texts.some((t) => t.includes('Balance'))).toBe(false);
  });

  it('centers the header and footer, prints the store name bold and double size, totals bold', () => {
    const lines = linesOf(decodeEscPos(renderReceipt(base, { columns: 48 })));
    expect(lines[0]).toEqual({
      kind: 'line',
      text: 'Storefront 南京路店',
      style: { align: 'center', bold: true, width: 2, height: 2 },
    });
    expect(lines[1]?.style.align).toBe('center');
    expect(lines.at(-1)).toMatchObject({
      text: 'Thank you for shopping with us',
      style: { align: 'center', width: 1 },
    });
    expect(lines.find((l) => l.text.startsWith('TOTAL'))?.style.bold).toBe(true);
    expect(lines.find((l) => l.text.startsWith('AMOUNT DUE'))?.style.bold).toBe(true);
  });

  it('[LY2] wraps a long name above its figures, and never cuts a figure', () => {
    const long: SaleReceipt = {
      ...base,
      lines: [
        {
          name: '农夫山泉天然饮用水 550ml 整箱 24 瓶装',
          quantity: 1,
          unitPrice: 3990,
          amount: 3990,
          savings: [],
          net: 3990,
        },
      ],
    };
    const texts = linesOf(decodeEscPos(renderReceipt(long, { columns: 32 }))).map((l) => l.text);
    const at = texts.indexOf('农夫山泉天然饮用水 550ml 整箱 24');
    expect(texts.slice(at, at + 3)).toEqual([
      '农夫山泉天然饮用水 550ml 整箱 24',
      '瓶装                            ',
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
