import fc from 'fast-check';
import type { ReturnReceipt, ShiftReport } from '@pos/domain';
import { describe, expect, it } from 'vitest';
import { sampleReturnReceipt, sampleXReport, sampleZReport } from '../hub/test-fixtures';
import { samplePackingSlip } from '../label/packing-fixtures';
import { expectGolden, printed } from './golden.fixture';
import { renderPrintItems, type PrintLine } from './receipt-layout';
import { decodeEscPos } from './escpos-decoder';
import {
  layoutConsentSlip,
  layoutPackingSlip,
  layoutPickupSlip,
  layoutReturnReceipt,
  layoutShiftReport,
} from './report-layout';
import { displayWidth } from './text-width';

describe('golden shift reports', () => {
  it('[LY4][LY5] an English X report on 80 mm paper: exact bytes, and what the manager reads', () => {
    const bytes = renderPrintItems(
      layoutShiftReport(sampleXReport, { columns: 48, language: 'en' }),
    );
    expectGolden('x-report-en-80mm.hex', bytes);
    expect(printed(bytes)).toEqual([
      'Storefront 南京路店',
      '南京东路 100 号, Shanghai',
      '------------------------------------------------',
      'X REPORT',
      'Shift       S001-POS1-01JD5W0000000000000000SHFT',
      'Cashier                                Wang Fang',
      'Opened                       2026-11-22 08:30:00',
      'Printed                      2026-11-22 12:00:00',
      '------------------------------------------------',
      'Opening float                             500.00',
      'Sales (1)                                  26.20',
      'Returns (1)                                -5.00',
      'Discounts given                             5.79',
      '------------------------------------------------',
      'Taken per tender                                ',
      '  Cash                                     15.20',
      '  Card                                      0.00',
      '  Mobile pay                                5.00',
      '  Points                                    1.00',
      '------------------------------------------------',
      'Expected cash                             515.20',
      'Drawer opens, no sale                          1',
      '------------------------------------------------',
      'Shift still open',
    ]);
  });

  it('[LY4][LY5] a Chinese Z report on 58 mm paper: the count and the variance', () => {
    const bytes = renderPrintItems(
      layoutShiftReport(sampleZReport, { columns: 32, language: 'zh-CN' }),
    );
    expectGolden('z-report-zh-58mm.hex', bytes);
    expect(printed(bytes)).toEqual([
      '南京路店',
      '上海市南京东路 100 号',
      '--------------------------------',
      'Z 报表',
      '班次                            ',
      'S001-POS1-01JD5W0000000000000000',
      '                            SHFT',
      '收银员                      王芳',
      '开班         2026-11-22 08:30:00',
      '交班         2026-11-22 17:30:00',
      '--------------------------------',
      '备用金                    500.00',
      '销售 (1 笔)                26.20',
      '退货 (1 笔)                -5.00',
      '优惠合计                    5.79',
      '--------------------------------',
      '各支付方式收款                  ',
      '  现金                     15.20',
      '  银行卡                    0.00',
      '  移动支付                  5.00',
      '  积分抵扣                  1.00',
      '--------------------------------',
      '应有现金                  515.20',
      '实点现金                  513.20',
      '差额                       -2.00',
      '无销售开钱箱                   1',
      '--------------------------------',
      '班次已结束',
    ]);
  });
});

describe('golden refund receipts', () => {
  it('[LY4][LY6] a Chinese refund receipt on 58 mm paper', () => {
    const bytes = renderPrintItems(
      layoutReturnReceipt(sampleReturnReceipt, { columns: 32, language: 'zh-CN' }),
    );
    expectGolden('refund-zh-58mm.hex', bytes);
    expect(printed(bytes)).toEqual([
      '南京路店',
      '上海市南京东路 100 号',
      '--------------------------------',
      '退货退款',
      '退货单号                        ',
      'S001-POS1-01JD5Y0000000000000000',
      '                            RTRN',
      '原单号                          ',
      'S001-POS1-01JD5X4Q2M7K8N9P0Q1R2S',
      '                            3T4V',
      '时间         2026-11-22 15:20:00',
      '收银员                      王芳',
      '--------------------------------',
      '农夫山泉 550ml         x3  -5.00',
      '--------------------------------',
      '退款合计                    5.00',
      '退回 移动支付               4.00',
      '  参考号                        ',
      '    4200001234202611220012345678',
      '退回 现金                   1.00',
      '--------------------------------',
      '会员积分                 M-10086',
      '  扣回                        -5',
      '  退还                       +20',
      '--------------------------------',
      '谢谢惠顾，欢迎再次光临',
    ]);
  });

  it('[LY4][LY6] an English refund receipt on 80 mm paper', () => {
    const bytes = renderPrintItems(
      layoutReturnReceipt(sampleReturnReceipt, { columns: 48, language: 'en' }),
    );
    expectGolden('refund-en-80mm.hex', bytes);
    expect(printed(bytes)).toEqual([
      '南京路店',
      '上海市南京东路 100 号',
      '------------------------------------------------',
      'REFUND',
      'Return      S001-POS1-01JD5Y0000000000000000RTRN',
      'Sale        S001-POS1-01JD5X4Q2M7K8N9P0Q1R2S3T4V',
      'Time                         2026-11-22 15:20:00',
      'Cashier                                     王芳',
      '------------------------------------------------',
      '农夫山泉 550ml                         x3  -5.00',
      '------------------------------------------------',
      'REFUND TOTAL                                5.00',
      'Refunded to Mobile pay                      4.00',
      '  Ref               4200001234202611220012345678',
      'Refunded to Cash                            1.00',
      '------------------------------------------------',
      'Member points                            M-10086',
      '  Taken back                                  -5',
      '  Given back                                 +20',
      '------------------------------------------------',
      'Thank you for shopping with us',
    ]);
  });
});

const bodyLines = (items: ReturnType<typeof layoutShiftReport>) =>
  items.filter((item): item is PrintLine => !('code' in item) && item.align !== 'center');

describe('report layout with any names and figures', () => {
  const name = fc.string({
    unit: fc.constantFrom('a', 'Z', ' ', '牛', '奶', 'é', '-'),
    maxLength: 80,
  });
  const amount = fc.integer({ min: -1e9, max: 1e9 });

  it('[LY4] every body line of a shift report is exactly the paper width', () => {
    fc.assert(
      fc.property(
        name,
        amount,
        amount,
        fc.constantFrom(32 as const, 48 as const),
        fc.constantFrom('en' as const, 'zh-CN' as const),
        (cashierName, expected, variance, columns, language) => {
          const report: ShiftReport = {
            ...sampleZReport,
            cashierName,
            expectedCash: expected,
            variance,
          };
          for (const line of bodyLines(layoutShiftReport(report, { columns, language }))) {
            expect(displayWidth(line.text)).toBe(columns);
          }
        },
      ),
    );
  });

  it('[LY4] every body line of a refund receipt is exactly the paper width; figures are never cut', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ name, quantity: fc.integer({ min: 1, max: 999 }), refund: amount }), {
          maxLength: 5,
        }),
        fc.constantFrom(32 as const, 48 as const),
        (lines, columns) => {
          const receipt: ReturnReceipt = { ...sampleReturnReceipt, lines };
          const items = bodyLines(layoutReturnReceipt(receipt, { columns }));
          for (const line of items) expect(displayWidth(line.text)).toBe(columns);
          const text = items.map((l) => l.text).join('\n');
          for (const line of lines) expect(text).toContain((-line.refund / 100).toFixed(2));
        },
      ),
    );
  });
});

describe('consent slip', () => {
  const slip = {
    url: 'https://pos.example.cn/consent/AbCdEfGhIjKlMnOpQrStUv',
    expiresAt: '2026-11-22T03:30:00.000Z',
    maskedName: '张*',
    memberId: 'M001',
  };

  it('[LY8] a Chinese slip: both titles, the masked name, the link as a QR code, the expiry in the store time zone', () => {
    const bytes = renderPrintItems(
      layoutConsentSlip(slip, { columns: 32, language: 'zh-CN', timeZone: 'Asia/Shanghai' }),
    );
    const lines = printed(bytes);
    expect(lines[0]).toBe('扫码管理您的个人信息授权');
    expect(lines.join(' ')).toContain('Scan to choose what we may use your data for');
    expect(lines).toContain('张*');
    expect(lines).toContain('有效期至 2026-11-22 11:30:00');
    const qrs = decodeEscPos(bytes).filter((r) => r.kind === 'qr');
    expect(qrs).toMatchObject([{ kind: 'qr', data: slip.url }]);
  });

  it('[LY8] an English slip leads with the English title', () => {
    const lines = printed(
      renderPrintItems(
        layoutConsentSlip(slip, { columns: 48, language: 'en', timeZone: 'Asia/Shanghai' }),
      ),
    );
    expect(lines[0]).toBe('Scan to choose what we may use your data for');
    expect(lines[1]).toBe('扫码管理您的个人信息授权');
    expect(lines).toContain('Valid until 2026-11-22 11:30:00');
  });
});

describe('pickup slip', () => {
  const slip = {
    purpose: 'pickup' as const,
    factId: 'S001-POS1-01JPICKUP',
    orderId: 'ORD-1',
    storeName: '演示门店',
    at: '2026-11-22T03:30:00.000Z',
    cashierName: '王芳',
    lines: [
      { sku: 'SKU-1', name: '矿泉水', quantity: 1, left: 1 },
      { sku: 'SKU-2', name: 'Green tea', quantity: 2, left: 0 },
    ],
  };

  it('[LY9] a Chinese pickup slip: the order, each line handed over and what is left, every line the width', () => {
    const lines = printed(
      renderPrintItems(
        layoutPickupSlip(slip, { columns: 32, language: 'zh-CN', timeZone: 'Asia/Shanghai' }),
      ),
    );
    expect(lines).toContain('线上订单自提');
    expect(lines.join('\n')).toContain('ORD-1');
    expect(lines.join('\n')).toContain('2026-11-22 11:30:00');
    expect(lines.some((l) => l.endsWith('交付 x1  剩余 1'))).toBe(true);
    expect(lines).toContain('还有商品待取：下次请再出示取货码');
  });

  it('[LY9] an English return slip: each line returned with its refund, the total and where it goes', () => {
    const lines = printed(
      renderPrintItems(
        layoutPickupSlip(
          {
            ...slip,
            purpose: 'return',
            lines: [{ sku: 'SKU-1', name: 'Water', quantity: 1, refund: 1500 }],
            refund: 1500,
            refundTo: 'cash',
          },
          { columns: 48, language: 'en', timeZone: 'Asia/Shanghai' },
        ),
      ),
    );
    expect(lines).toContain('ONLINE ORDER RETURN');
    expect(lines.some((l) => l.endsWith('returned x1  15.00'))).toBe(true);
    expect(lines.some((l) => l.startsWith('REFUND TOTAL') && l.endsWith('15.00'))).toBe(true);
    expect(lines.some((l) => l.endsWith('In cash'))).toBe(true);
  });
});

describe('packing slip', () => {
  it('[LY10] a Chinese packing slip on 58 mm: parcel, orders, courier and waybill, masked recipient, lines and shorts', () => {
    const bytes = renderPrintItems(
      layoutPackingSlip(samplePackingSlip, {
        columns: 32,
        language: 'zh-CN',
        timeZone: 'Asia/Shanghai',
      }),
    );
    expectGolden('packing-slip-zh-58mm.hex', bytes);
    const lines = printed(bytes);
    const all = lines.join('\n');
    expect(lines).toContain('装箱单');
    expect(all).toContain('1024-3381 1024-3390');
    expect(all).toContain('2026-12-07 10:10:00');
    expect(all).toContain('SF1234567890123');
    expect(all).toContain('张* 138****8001');
    expect(lines.some((l) => l.endsWith('x2'))).toBe(true);
    expect(lines.some((l) => l.endsWith('x1  缺货 1'))).toBe(true);
    expect(lines).toContain('本包裹共 3 件');
    expect(lines).toContain('缺货商品将另行发出');
  });

  it('[LY10][FS8] an English packing slip on 80 mm: every body line the width, the recipient masked whatever was passed', () => {
    const slip = {
      ...samplePackingSlip,
      shipTo: { ...samplePackingSlip.shipTo, name: 'Alice Smith', phone: '13800138001' },
      lines: [{ sku: 'SKU-9', name: 'A very long product name '.repeat(4), quantity: 12 }],
    };
    const items = layoutPackingSlip(slip, {
      columns: 48,
      language: 'en',
      timeZone: 'Asia/Shanghai',
    });
    const bytes = renderPrintItems(items);
    expectGolden('packing-slip-en-80mm.hex', bytes);
    const lines = printed(bytes);
    const all = lines.join('\n');
    expect(lines).toContain('PACKING SLIP');
    expect(all).toContain('A* 138****8001');
    expect(all).not.toContain('Alice');
    expect(all).not.toContain('13800138001');
    expect(lines).toContain('12 item(s) in this parcel');
    for (const item of items) {
      if ('text' in item && !item.align) expect(displayWidth(item.text)).toBe(48);
    }
  });
});
