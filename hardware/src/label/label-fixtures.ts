/** Sample shipping labels for tests and the demo. */
import type { ShippingLabel } from '../hub/protocol';

export const sampleLabel: ShippingLabel = {
  shipmentId: 'SHP-S001-01JLABEL',
  carrier: '顺丰速运 SF Express',
  trackingNo: 'SF1234567890123',
  mode: 'ship',
  from: { name: '演示门店 Demo Store', region: '上海市 浦东新区' },
  shipTo: {
    name: '张*',
    phone: '138****8001',
    region: '浙江省 杭州市 西湖区',
    detail: '文三路 90 号 东部软件园 2 号楼 5 层',
  },
  orderNumbers: ['1024-3381', '1024-3390'],
  weightGrams: 1250,
};

export const sampleSameCityLabel: ShippingLabel = {
  ...sampleLabel,
  shipmentId: 'SHP-S001-01JSAMECITY',
  carrier: 'Dada',
  trackingNo: 'DD-778899',
  mode: 'same-city',
  window: { from: '2026-12-07T06:00:00.000Z', to: '2026-12-07T08:00:00.000Z' },
};
