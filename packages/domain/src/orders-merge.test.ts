import { describe, expect, it } from 'vitest';
import { foldOrderEvents, type OrderEvent, type RoutingExplanation } from './index';

const AT = '2026-03-02T03:00:00.000Z';
const explanation: RoutingExplanation = {
  mode: 'ship',
  at: AT,
  candidates: [],
  ineligible: {},
  searchNodes: 1,
  searchCapped: false,
};

const placed: OrderEvent = {
  kind: 'placed',
  id: 'O1:placed',
  at: AT,
  orderId: 'O1',
  channel: 'shop',
  customer: { memberId: 'M1' },
  lines: [
    {
      lineId: 'L1',
      sku: 'A',
      quantity: 2,
      unitPrice: 1000,
      net: 2000,
      fulfilment: { mode: 'ship', addressId: 'AD1' },
    },
  ],
  total: 2000,
};
const routed: OrderEvent = {
  kind: 'routed',
  id: 'O1:routed',
  at: AT,
  allocations: [{ lineId: 'L1', locationId: 'S001', shipmentId: 'O1-P1', quantity: 2 }],
  explanation,
};
const merged = (shipmentId: string, into: string): OrderEvent => ({
  kind: 'merged',
  id: `O1:merged:${into}`,
  at: AT,
  shipmentId,
  into,
});

describe('merged parcels', () => {
  it('[OD15] the allocations of a shipment name the parcel it joined', () => {
    const result = foldOrderEvents([placed, routed, merged('O1-P1', 'O0-P1')]);
    expect(result.ok && result.order.allocations).toEqual([
      {
        lineId: 'L1',
        locationId: 'S001',
        shipmentId: 'O0-P1',
        quantity: 2,
        short: 0,
        shipped: 0,
      },
    ]);
  });

  it('[OD15] a shipment the order does not name, or itself, is refused', () => {
    expect(foldOrderEvents([placed, routed, merged('O1-P9', 'O0-P1')])).toMatchObject({
      ok: false,
      code: 'ORDER_LINE_UNKNOWN',
    });
    expect(foldOrderEvents([placed, routed, merged('O1-P1', 'O1-P1')])).toMatchObject({
      ok: false,
      code: 'ORDER_EVENT_INVALID',
    });
  });

  it('[OD15] units already short do not move; nor into a parcel at another location', () => {
    const short: OrderEvent = {
      kind: 'line-short',
      id: 'O1:short',
      at: AT,
      lineId: 'L1',
      shipmentId: 'O1-P1',
      quantity: 1,
    };
    expect(foldOrderEvents([placed, routed, short, merged('O1-P1', 'O0-P1')])).toMatchObject({
      ok: false,
      code: 'ORDER_EVENT_INVALID',
    });
    const twoPlaces: OrderEvent = {
      ...routed,
      allocations: [
        { lineId: 'L1', locationId: 'S001', shipmentId: 'O1-P1', quantity: 1 },
        { lineId: 'L1', locationId: 'S002', shipmentId: 'O1-P2', quantity: 1 },
      ],
    };
    expect(foldOrderEvents([placed, twoPlaces, merged('O1-P1', 'O1-P2')])).toMatchObject({
      ok: false,
      code: 'ORDER_EVENT_INVALID',
    });
  });
});
