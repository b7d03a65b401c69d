/**
 * The region table: China's provinces, cities and (for the cities the chain
 * delivers in) districts, by GB/T 2260 code, with names in Chinese and
 * English and a centre point for routing. Shipped with the project
 * (regions-data.ts, built by scripts/build-regions.mjs); no outside service.
 * Pure. See SPEC.md [RG1]-[RG4].
 */
import type { GeoPoint } from './geo';
import { REGION_ROWS } from './regions-data';

/** [RG1] The three levels of the table. */
export type RegionLevel = 'province' | 'city' | 'district';

/** [RG1] One region: its 6-digit code, its parent's code (null for a province), names and centre. */
export type Region = {
  code: string;
  level: RegionLevel;
  parent: string | null;
  name: { zh: string; en: string };
  point: GeoPoint;
};

type Table = { byCode: Map<string, Region>; children: Map<string | null, Region[]> };
let table: Table | null = null;

function load(): Table {
  if (table) return table;
  const byCode = new Map<string, Region>();
  const raw = REGION_ROWS.split('\n').map((line) => line.split('|'));
  const codes = new Set(raw.map((r) => r[0] ?? ''));
  for (const [code = '', zh = '', en = '', lat = '', lng = ''] of raw) {
    const province = `${code.slice(0, 2)}0000`;
    const city = `${code.slice(0, 4)}00`;
    let level: RegionLevel;
    let parent: string | null;
    if (code === province) [level, parent] = ['province', null];
    else if (code === city) [level, parent] = ['city', province];
    else [level, parent] = ['district', codes.has(city) ? city : province];
    byCode.set(code, {
      code,
      level,
      parent,
      name: { zh, en },
      point: { lat: Number(lat), lng: Number(lng) },
    });
  }
  const children = new Map<string | null, Region[]>();
  for (const r of byCode.values()) {
    const list = children.get(r.parent) ?? [];
    list.push(r);
    children.set(r.parent, list);
  }
  table = { byCode, children };
  return table;
}

/** [RG1] The region with this code, or undefined for a code not in the table. */
export function regionByCode(code: string): Region | undefined {
  return load().byCode.get(code);
}

/** [RG2] The regions directly under `code` in code order; `null` gives the provinces. */
export function regionChildren(code: string | null): Region[] {
  return [...(load().children.get(code) ?? [])];
}

/** [RG2] From the province down to the region itself; empty for an unknown code. */
export function regionPath(code: string): Region[] {
  const path: Region[] = [];
  for (let r = regionByCode(code); r; r = r.parent ? regionByCode(r.parent) : undefined) {
    path.unshift(r);
  }
  return path;
}

/**
 * [RG2] The region as an address names it: Chinese from the province down
 * without spaces (浙江省杭州市西湖区), English from the region up
 * (Xihu District, Hangzhou, Zhejiang). A municipality is named once.
 */
export function regionLabel(code: string, language: 'zh' | 'en'): string {
  const names = regionPath(code).map((r) => r.name[language]);
  return language === 'zh' ? names.join('') : names.reverse().join(', ');
}

/** [RG3] The centre point of a region (a city or province gives its own), or undefined. */
export function regionPoint(code: string): GeoPoint | undefined {
  const r = regionByCode(code);
  return r ? { ...r.point } : undefined;
}

/**
 * [RG4] A region a delivery address can name: one without regions under it
 * (a district, or a city or province-level division the table does not
 * divide further).
 */
export function isAddressRegion(code: string): boolean {
  return regionByCode(code) !== undefined && regionChildren(code).length === 0;
}
