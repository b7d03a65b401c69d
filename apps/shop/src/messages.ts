/**
 * The shop's words: English is the key, zh-CN its translation (the default
 * language). `{name}` placeholders are filled by `fill`.
 */
import type { Language } from '@pos/ui';
import type { OrderStatus } from '@pos/domain';

const ZH: Record<string, string> = {
  'Online shop': '网上商店',
  'Search products': '搜索商品（名称或拼音首字母）',
  Search: '搜索',
  'No products found': '没有找到商品',
  'Pick up in store': '到店自提',
  Quantity: '数量',
  'Stores near you': '附近门店',
  'Stores in': '门店所在城市',
  'Choose a city': '选择城市',
  'Finding your location…': '正在获取您的位置…',
  'Location not shared: choose a city': '未获得位置：请选择城市',
  'In stock: {n}': '有货 {n} 件',
  'Out of stock': '暂时缺货',
  '{km} km away': '距您 {km} 公里',
  '{m} m away': '距您 {m} 米',
  'Order for pickup here': '在此门店自提下单',
  'Choose a store': '请选择门店',
  'Sign in': '登录',
  'Sign out': '退出',
  'Mobile number': '手机号码',
  'Send code': '获取验证码',
  'Code sent to {phone}': '验证码已发送至 {phone}',
  'SMS code': '短信验证码',
  'Sign in to order for pickup': '登录后即可到店自提下单',
  'Order {id}': '订单 {id}',
  'Pay within': '请在以下时间内支付',
  'Units held for you until {time}': '商品为您保留至 {time}',
  'Pay {amount}': '支付 {amount}',
  'Paying…': '正在支付…',
  'Waiting for the payment to be confirmed…': '正在等待支付确认…',
  'Pickup code': '取货码',
  'Show this code or the QR code at the store': '到店后出示取货码或二维码',
  'Pick up by {time}': '请于 {time} 前取货',
  Total: '合计',
  Status: '状态',
  'My account': '我的',
  Account: '我的',
  'tier:basic': '普通会员',
  'tier:gold': '金卡会员',
  'tier:platinum': '白金会员',
  Points: '积分',
  Tier: '会员等级',
  Coupons: '优惠券',
  'No coupons yet': '暂无优惠券',
  'Spend {amount} or more; show at the till': '满 {amount} 可用，结账时出示二维码',
  'Spend {amount} or more': '满 {amount} 可用',
  Used: '已使用',
  Claim: '领取',
  'My orders': '我的订单',
  'No orders yet': '暂无订单',
  'Not a member yet: orders are kept under your phone number': '您还不是会员：订单按手机号保存',
  Back: '返回',
  Catalog: '商品',
  'The hold has expired: the units went back on sale': '保留已过期，商品已重新上架',
  'Only {n} left at this store': '该门店仅剩 {n} 件',
  'Something went wrong: {reason}': '出错了：{reason}',
  'Pick up at': '取货门店',
  'Loading…': '加载中…',
  Bag: '购物袋',
  'Bag: {n} items': '购物袋：{n} 件商品',
  'Add to bag': '加入购物袋',
  'Added {n} to your bag': '已加入购物袋 {n} 件',
  'View bag': '去购物袋',
  'Your bag is full: order it first': '购物袋已满：请先下单',
  'Your bag is empty': '购物袋还是空的',
  'Browse the catalog': '去逛逛',
  '{price} each': '单价 {price}',
  'One less': '减少一件',
  'One more': '增加一件',
  Remove: '删除',
  'Total at list prices': '合计（按标价）',
  'Offers for your store are applied when you order': '下单时按所选门店的优惠活动计价',
  'Has everything in your bag': '购物袋商品全部有货',
  '{name}: out of stock': '{name}：缺货',
  '{name}: only {n} left': '{name}：仅剩 {n} 件',
  '; ': '；',
  'No store here has everything: change the quantities': '没有门店能备齐全部商品：请调整数量',
  'Order for pickup at {store}': '到 {store} 自提下单',
  'Only {n} of {name} left at this store': '该门店的 {name} 仅剩 {n} 件',
  'Use a coupon': '使用优惠券',
  'Used on this order': '本单使用',
  'The coupon comes off when you order': '下单时按门店价格抵扣优惠券',
  'Coupon {name}': '优惠券 {name}',
  '{name} needs a spend of {amount} or more': '{name} 需满 {amount} 才可使用',
  '{name} has already been used': '{name} 已被使用',
  '{name} cannot be used with another coupon': '{name} 不能与其他优惠券同时使用',
  '{name} cannot be used on this order': '{name} 不适用于本订单',
};

/** English words where the key is not itself the English (codes such as member tiers). */
const EN: Record<string, string> = {
  'tier:basic': 'Basic',
  'tier:gold': 'Gold',
  'tier:platinum': 'Platinum',
};

const STATUS_ZH: Record<OrderStatus, string> = {
  placed: '已下单',
  held: '待支付（商品保留中）',
  paid: '已支付，凭取货码自提',
  ready: '可取货',
  'partly-picked-up': '部分已取',
  'picked-up': '已取货',
  'partly-shipped': '部分已发货',
  shipped: '已发货',
  cancelled: '已取消',
  expired: '已过期',
  refunded: '已退款',
  closed: '已部分取货，其余逾期未取已退款',
};
const STATUS_EN: Record<OrderStatus, string> = {
  placed: 'Placed',
  held: 'Awaiting payment (held for you)',
  paid: 'Paid: pick up with your code',
  ready: 'Ready for pickup',
  'partly-picked-up': 'Partly picked up',
  'picked-up': 'Picked up',
  'partly-shipped': 'Partly shipped',
  shipped: 'Shipped',
  cancelled: 'Cancelled',
  expired: 'Expired',
  refunded: 'Refunded',
  closed: 'Partly picked up; the rest was not collected and is refunded',
};

/** The words for `text` in `language`, with `{name}` placeholders filled. */
export function say(
  language: Language,
  text: string,
  values: Record<string, string | number> = {},
): string {
  const words = language === 'zh-CN' ? (ZH[text] ?? text) : (EN[text] ?? text);
  return words.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

export function statusText(language: Language, status: OrderStatus): string {
  return (language === 'zh-CN' ? STATUS_ZH : STATUS_EN)[status];
}

/** For the messages test: every English key has its zh-CN words. */
export const SHOP_MESSAGES_ZH = ZH;
