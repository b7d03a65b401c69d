import { describe, expect, it } from 'vitest';
import { ROUTING_HOME, storeEastOfHome } from './fixtures';
import { routingPolicy, type FulfilmentLocation } from './locations';
import { routeOrder, type LocationState, type RoutingRequest } from './routing';
import { explainRouting } from './routing-explain';

const HOME = ROUTING_HOME;
const CLOSED_NOW = [{ days: [0, 1, 2, 3, 4, 5, 6], open: '22:00', close: '06:00' }];

function at(id: string, name: string, km: number, more: Partial<FulfilmentLocation> = {}) {
  return storeEastOfHome(id, km, { name, ...more });
}

function route(locations: LocationState[], quantity = 1, maxSearchNodes = 1_000_000) {
  const request: RoutingRequest = {
    mode: 'ship',
    lines: [{ lineId: 'l1', sku: 'A', quantity, unitPrice: 9_000 }],
    destination: HOME,
    now: '2026-12-07T02:00:00.000Z',
    locations,
    policy: routingPolicy({ maxSearchNodes }),
  };
  return routeOrder(request).explanation;
}

const XUHUI = { location: at('xh', '徐汇店', 3.2), atp: { A: 5 }, shipmentsToday: 0 };
const JINGAN = { location: at('ja', '静安店', 5.1), atp: { A: 5 }, shipmentsToday: 0 };
const SHUT = {
  location: at('pd', '浦东店', 1, { hours: CLOSED_NOW }),
  atp: { A: 5 },
  shipmentsToday: 0,
};
const EMPTY = { location: at('mh', '闵行店', 2), atp: {}, shipmentsToday: 0 };

describe('explainRouting', () => {
  it('[RO11] says where it ships from, why not the runner-up, and who was left out, in English', () => {
    const lines = explainRouting(route([JINGAN, SHUT, XUHUI, EMPTY]), 'en');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^Ships from 徐汇店 \(3\.\d km\): the fewest parcels \(1\), 3\.\d km in all\.$/,
    );
    expect(lines[1]).toMatch(/^Next best: 静安店 \(5\.\d km\), 1\.\d km farther\.$/);
    expect(lines[2]).toBe(
      '2 locations were left out: 1 have none of it to spare, 1 are closed now.',
    );
  });

  it('[RO11] the same in Chinese', () => {
    const lines = explainRouting(route([JINGAN, SHUT, XUHUI, EMPTY]), 'zh-CN');
    expect(lines[0]).toMatch(/^由徐汇店（3\.\d 公里）发货：包裹最少（1 个），总距离 3\.\d 公里。$/);
    expect(lines[1]).toMatch(/^次优方案：静安店（5\.\d 公里），远 1\.\d 公里。$/);
    expect(lines[2]).toBe('2 个地点未参与：1 个无可用库存，1 个当前未营业。');
  });

  it('[RO11] [RO7] an only plan, a capped search and no plan at all', () => {
    const only = explainRouting(route([XUHUI]), 'en');
    expect(only[1]).toBe('No other plan ships it in one parcel.');
    expect(explainRouting(route([XUHUI]), 'zh-CN')[1]).toBe('没有其他方案能以 1 个包裹发货。');
    const capped = explainRouting(route([XUHUI, JINGAN], 1, 2), 'en');
    expect(capped.at(-1)).toBe(
      'The search stopped at its step limit; this is the best plan it found.',
    );
    const none = explainRouting(route([XUHUI, SHUT], 9), 'zh-CN');
    expect(none[0]).toMatch(/^无法安排发货/);
    expect(none[1]).toBe('1 个地点未参与：1 个当前未营业。');
  });

  it('[RO11] balance, rank and id ties read as such', () => {
    const east = { location: at('e', 'East', 2), atp: { A: 3 }, shipmentsToday: 0 };
    const west = { location: at('w', 'West', -2), atp: { A: 9 }, shipmentsToday: 0 };
    expect(explainRouting(route([east, west], 2), 'en')[1]).toMatch(
      /^Next best: East \(2\.\d km\), as near, but it would leave 1 items sold out there \(this plan 0\)\.$/,
    );
    const preferred = { ...east, atp: { A: 9 }, location: { ...east.location, rank: 0 } };
    expect(explainRouting(route([preferred, west], 2), 'en')[1]).toMatch(/preferred by the chain/);
    const twin = { ...west, location: { ...west.location, id: 'x', name: 'Twin' } };
    expect(explainRouting(route([west, twin], 2), 'zh-CN')[1]).toMatch(/按地点编号选择/);
  });

  it('[RO10] [RO11] names a chosen location beyond the 20 nearest candidates', () => {
    // 25 nearer stores with one unit each; the order needs 3 units, only the far warehouse has them.
    const stores = Array.from({ length: 25 }, (_, i) => ({
      location: at(`s${String(i).padStart(2, '0')}`, `Store ${i}`, 0.1 + i * 0.1),
      atp: { A: 2 },
      shipmentsToday: 0,
    }));
    const warehouse = { location: at('wh', '嘉定仓', 30), atp: { A: 50 }, shipmentsToday: 0 };
    const explanation = route([...stores, warehouse], 3);
    expect(explanation.candidates.some((c) => c.locationId === 'wh')).toBe(false);
    expect(explanation.planLocations?.map((c) => c.locationId)).toEqual(['wh']);
    expect(explainRouting(explanation, 'en')[0]).toMatch(/^Ships from 嘉定仓 \(30\.\d km\)/);
  });
});
