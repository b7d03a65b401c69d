/** A sample packing slip for tests and the demo. */
import type { PackingSlip } from '../hub/protocol';

export const samplePackingSlip: PackingSlip = {
  shipmentId: 'SHP-S001-01JLABEL',
  orderNumbers: ['1024-3381', '1024-3390'],
  storeName: '演示门店',
  packedAt: '2026-12-07T02:10:00.000Z',
  carrier: '顺丰速运',
  trackingNo: 'SF1234567890123',
  shipTo: {
    name: '张*',
    phone: '138****8001',
    region: '浙江省 杭州市 西湖区',
    detail: '文三路 90 号 东部软件园 2 号楼 5 层',
  },
  lines: [
    { sku: 'SKU-1', name: '矿泉水 550ml', quantity: 2 },
    { sku: 'SKU-2', name: 'Green tea', quantity: 1, short: 1 },
  ],
  staffId: 'E-007',
};
