/**
 * The screen's words in English and Chinese (zh-CN). English is the key; a
 * phrase missing from the Chinese table shows in English. Messages from the
 * domain (refusals) are shown as the domain words them.
 */
import { formatMoney, type Minor } from '@pos/domain';
import type { TerminalLanguage } from '../shared/config';
import { usePosStore } from './store';

const ZH: Record<string, string> = {
  'Sign in': '登录',
  'Staff id': '员工号',
  PIN: '密码',
  'Sign out': '退出登录',
  'Open the shift': '开班',
  'Opening float': '备用金',
  'Open shift': '开班',
  'Scan an item to start a sale.': '请扫描商品开始销售。',
  Item: '商品',
  Qty: '数量',
  Price: '单价',
  Amount: '金额',
  Total: '合计',
  Subtotal: '小计',
  Savings: '优惠',
  Paid: '已付款',
  Change: '找零',
  Cash: '现金',
  Card: '银行卡',
  'Mobile pay': '移动支付',
  Points: '积分',
  Payment: '收款',
  'Cash received': '实收现金',
  Confirm: '确认',
  Cancel: '取消',
  Close: '关闭',
  Help: '帮助',
  Search: '搜索',
  Member: '会员',
  Quantity: '数量',
  'Suspend / resume': '挂单 / 取单',
  Void: '删除',
  'No sale': '开钱箱',
  Return: '退货',
  Coupon: '优惠券',
  'X report': 'X 报表',
  'Close shift': '交班',
  Pay: '收款',
  Online: '在线',
  'Offline, selling locally': '离线，本地销售中',
  'All sales uploaded': '全部已上传',
  'Supervisor approval': '主管授权',
  Approve: '授权',
  'Suspended carts': '挂单',
  Resume: '取单',
  'Cash counted': '清点现金',
  'Z report': 'Z 报表',
  Sales: '销售',
  Returns: '退货',
  Discounts: '折扣',
  'Expected cash': '应有现金',
  Variance: '差额',
  'No-sale drawer opens': '无销售开钱箱',
  'Receipt code': '小票码',
  Refund: '退款',
  'Phone or member code': '手机号或会员码',
  'Coupon code': '优惠券码',
  'Add card': '添加银行卡',
  'Add mobile pay': '添加移动支付',
  'Add points': '添加积分',
  Reference: '交易参考号',
  'Points to redeem': '使用积分',
  'Still to pay': '待付',
  'Cart discount': '整单折扣',
  'Price override': '改价',
  'Function keys': '功能键',
  Language: '语言',
  'Last sync': '最近同步',
  scanner: '扫码枪',
  printer: '打印机',
  drawer: '钱箱',
  rfid: 'RFID 读写器',
  ready: '就绪',
};

export function translate(language: TerminalLanguage, text: string): string {
  return language === 'zh-CN' ? (ZH[text] ?? text) : text;
}

/** The current language's words for the screen. */
export function useT(): (text: string) => string {
  const language = usePosStore((s) => s.language);
  return (text) => translate(language, text);
}

/** Amounts in the terminal's currency, formatted for its language with Intl. */
export function useMoney(): (amount: Minor) => string {
  const currency = usePosStore((s) => s.currency);
  const language = usePosStore((s) => s.language);
  return (amount) => formatMoney(amount, currency, language);
}
