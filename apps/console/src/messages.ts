/**
 * The console's words: English is the key, zh-CN its translation (the
 * default language). `{name}` placeholders are filled by `say`.
 */
import { phraseBook } from '@pos/ui';
import type { ConversionDimension } from '@pos/domain';

const ZH: Record<string, string> = {
  'HQ console': '总部控制台',
  'Try-on conversion': '试穿转化',
  Today: '今天',
  'Last 7 days': '近 7 天',
  Custom: '自定义',
  From: '从',
  To: '到',
  Show: '查询',
  'Choose both days': '请选择起止日期',
  'The first day is after the last': '开始日期晚于结束日期',
  'At most 366 days': '最多 366 天',
  'Try-ons': '试穿',
  Converted: '已成交',
  'Conversion rate': '转化率',
  'Sold within 4 hours of the try-on, by the item’s EPC serial':
    '试穿后 4 小时内售出（按 EPC 序列号逐件匹配）',
  'By style': '按款式',
  'By colour': '按颜色',
  'By size': '按尺码',
  'By clerk': '按店员',
  'By store': '按门店',
  Style: '款式',
  Colour: '颜色',
  Size: '尺码',
  Clerk: '店员',
  Store: '门店',
  Rate: '转化率',
  Unknown: '未知',
  'No try-ons in this period': '此期间没有试穿',
  'Tried, not bought: {day}': '试穿未购买：{day}',
  'Nothing tried and not bought that day': '当天没有试穿未购买的商品',
  EPC: 'EPC',
  SKU: 'SKU',
  'Last tried': '最后试穿',
  'Export CSV': '导出 CSV',
  'Updated {time}': '更新于 {time}',
  'Refreshes every 10 s': '每 10 秒刷新',
  'Loading…': '正在加载…',
  'Sign in': '登录',
  'Sign out': '退出',
  'HQ admin token': '总部管理员令牌',
  'Enter the HQ admin token once; it is kept for this browser tab only.':
    '请输入一次总部管理员令牌，仅在此浏览器标签页中保存。',
  'The token was refused: enter it again': '令牌被拒绝，请重新输入',
  'The server cannot be reached': '无法连接服务器',
  'Could not load: {reason}': '加载失败：{reason}',
  Language: '语言',
  'All stores': '全部门店',
  Period: '期间',
};

const EN: Record<string, string> = {};

/** The words for `text` in `language`, with `{name}` placeholders filled. */
export const say = phraseBook(ZH, EN);

/** The title of each dimension's table and its key column. */
export const DIMENSION_WORDS: Record<ConversionDimension, { title: string; column: string }> = {
  style: { title: 'By style', column: 'Style' },
  colour: { title: 'By colour', column: 'Colour' },
  size: { title: 'By size', column: 'Size' },
  clerk: { title: 'By clerk', column: 'Clerk' },
  store: { title: 'By store', column: 'Store' },
};

/** A rate in basis points as a percentage with one decimal, e.g. 6667 → `66.7%`. */
export function ratePercent(rateBp: number): string {
  return `${(rateBp / 100).toFixed(1)}%`;
}

/** For the messages test: every English key has its zh-CN words. */
export const CONSOLE_MESSAGES_ZH = ZH;
