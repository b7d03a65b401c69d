import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { haversineMetres } from './geo';
import { REGION_ROWS } from './regions-data';
import {
  isAddressRegion,
  regionByCode,
  regionChildren,
  regionLabel,
  regionPath,
  regionPoint,
  type Region,
} from './regions';

const rows = REGION_ROWS.split('\n').map((l) => l.split('|'));
const all: Region[] = rows.map((r) => regionByCode(r[0] ?? '')!);
const provinces = regionChildren(null);

describe('region table', () => {
  it('[RG1] every code is six digits and unique, every region has both names', () => {
    const codes = rows.map((r) => r[0]);
    expect(new Set(codes).size).toBe(codes.length);
    for (const r of all) {
      expect(r.code).toMatch(/^[1-8]\d{5}$/);
      expect(r.name.zh).toMatch(/\p{Script=Han}/u);
      expect(r.name.en).toMatch(/^[A-Z][A-Za-zü' ]+(, [A-Za-z ]+)?$/);
    }
  });

  it('[RG1] has all 34 provincial-level divisions, each with its capital in the table', () => {
    expect(provinces).toHaveLength(34);
    expect(provinces.every((p) => p.level === 'province' && p.parent === null)).toBe(true);
    expect(regionByCode('330000')?.name).toEqual({ zh: '浙江省', en: 'Zhejiang' });
    // A province's point is its capital's.
    expect(regionPoint('330000')).toEqual(regionPoint('330100'));
    expect(regionPoint('440000')).toEqual(regionPoint('440100'));
  });

  it('[RG1] lists the districts of the cities the chain delivers in', () => {
    const districts = (code: string) => regionChildren(code).filter((r) => r.level === 'district');
    expect(districts('310000')).toHaveLength(16);
    expect(districts('110000')).toHaveLength(16);
    expect(districts('330100').map((r) => r.name.zh)).toEqual(
      expect.arrayContaining(['上城区', '拱墅区', '西湖区', '滨江区', '临平区', '钱塘区']),
    );
    expect(districts('330100').map((r) => r.name.zh)).not.toContain('江干区');
    for (const city of ['320500', '320100', '440100', '440300', '510100', '420100']) {
      expect(districts(city).length).toBeGreaterThanOrEqual(9);
    }
  });

  it("[RG2] every child sits under its parent's code and near it", () => {
    for (const r of all) {
      if (r.parent === null) continue;
      const parent = regionByCode(r.parent)!;
      expect(parent).toBeDefined();
      expect(r.code.slice(0, 2)).toBe(parent.code.slice(0, 2));
      if (parent.level === 'city') expect(r.code.slice(0, 4)).toBe(parent.code.slice(0, 4));
      expect(regionChildren(parent.code)).toContainEqual(r);
      // A district lies within 400 km of its city (Chongqing is wide)'s centre; a city within 1,500 km of its capital.
      const limit = r.level === 'district' ? 400_000 : 1_500_000;
      expect(haversineMetres(r.point, parent.point)).toBeLessThan(limit);
    }
  });

  it("[RG3] every point is inside China's bounding box", () => {
    for (const r of all) {
      expect(r.point.lat).toBeGreaterThan(3.5); // Sansha and the South China Sea islands
      expect(r.point.lat).toBeLessThan(53.6);
      expect(r.point.lng).toBeGreaterThan(73.5);
      expect(r.point.lng).toBeLessThan(135.1);
    }
    // Known places to about 0.02 degrees.
    const near = (code: string, lat: number, lng: number) => {
      const p = regionPoint(code)!;
      expect(Math.abs(p.lat - lat)).toBeLessThan(0.03);
      expect(Math.abs(p.lng - lng)).toBeLessThan(0.03);
    };
    near('310101', 31.23, 121.49); // Huangpu, Shanghai
    near('330106', 30.26, 120.13); // Xihu, Hangzhou
    near('440305', 22.53, 113.93); // Nanshan, Shenzhen
  });

  it('[RG2] a path runs from the province down; labels read naturally in both languages', () => {
    expect(regionPath('330106').map((r) => r.code)).toEqual(['330000', '330100', '330106']);
    expect(regionPath('310104').map((r) => r.code)).toEqual(['310000', '310104']);
    expect(regionLabel('330106', 'zh')).toBe('浙江省杭州市西湖区');
    expect(regionLabel('330106', 'en')).toBe('Xihu District, Hangzhou, Zhejiang');
    expect(regionLabel('310104', 'en')).toBe('Xuhui District, Shanghai');
    expect(regionPath('999999')).toEqual([]);
  });

  it('[RG4] an address names a region with nothing under it', () => {
    expect(isAddressRegion('330106')).toBe(true);
    expect(isAddressRegion('441900')).toBe(true); // Dongguan has no districts
    expect(isAddressRegion('330100')).toBe(false);
    expect(isAddressRegion('310000')).toBe(false);
    expect(isAddressRegion('000000')).toBe(false);
  });

  it('[RG1] [RG3] lookups agree for any code: known codes round-trip, others are absent', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(...all.map((r) => r.code)), fc.string()), (code) => {
        const r = regionByCode(code);
        if (!r) {
          expect(regionPoint(code)).toBeUndefined();
          expect(regionPath(code)).toEqual([]);
          expect(isAddressRegion(code)).toBe(false);
          return;
        }
        expect(r.code).toBe(code);
        expect(regionPoint(code)).toEqual(r.point);
        const path = regionPath(code);
        expect(path.at(-1)).toEqual(r);
        expect(path[0]?.level).toBe('province');
        expect(isAddressRegion(code)).toBe(regionChildren(code).length === 0);
      }),
    );
  });
});
