/**
 * The tablet's words: English is the key, zh-CN its translation (the
 * default language); `{name}` placeholders are filled from values. Refusals
 * and notices of the clerk's use cases carry a code, worded here in both
 * languages; a code the till already words (sign-in, the pickup desk,
 * members) takes the till's words from @pos/ui; an unknown code shows the
 * use case's English words. Pure: the screens hold no rule [TA1].
 */
import { messageText, phraseBook, type Language } from '@pos/ui';
import type { OrderStatus } from '@pos/domain';

/** A refusal or notice as a screen shows it: English words, a code, its values. */
export type Said = {
  code?: string;
  /** The use case's English words (a refusal's `message`, a notice's `text`). */
  text: string;
  params?: Record<string, string>;
  context?: string;
};

/**
 * Codes the clerk's use cases and the clerk API answer with, in both
 * languages. In English `{reason}` is filled with the use case's own words
 * (which name the lines, the store); in Chinese it is left out.
 */
export const CODE_WORDS: Record<string, { zh: string; en: string }> = {
  // No answer came
  OFFLINE: {
    zh: '无法连接服务器：请联网后再试',
    en: 'No connection to the server: try again when online',
  },
  TIMEOUT: {
    zh: '服务器没有及时回应：请稍后再试',
    en: 'The server did not answer in time: try again shortly',
  },
  // Finding products
  PRODUCT_UNKNOWN: { zh: '找不到该商品', en: 'No product has this code' },
  PRODUCT_NOT_SELLABLE: { zh: '该商品不可销售', en: 'This product is not for sale' },
  PRODUCT_NOT_FOUND: { zh: '找不到该商品', en: 'No product has this code' },
  NOTHING_FOUND: { zh: '没有找到商品', en: 'No products found' },
  SEARCH_EMPTY: {
    zh: '请输入商品名称、拼音首字母、货号或条码',
    en: 'Type a name, pinyin initials, a SKU or a barcode',
  },
  EPC_INVALID: { zh: '无法识别的 RFID 标签', en: 'This RFID tag does not name a product' },
  EPC_UNKNOWN: {
    zh: '该 RFID 标签的商品不在商品目录中',
    en: 'The product of this RFID tag is not in the catalog',
  },
  STYLE_UNKNOWN: { zh: '找不到该款式', en: 'This style is not in the catalog' },
  // The cart
  QUANTITY_INVALID: {
    zh: '数量须为 1 至 999 的整数',
    en: 'The quantity is a whole number from 1 to 999',
  },
  LINE_INVALID: {
    zh: '这一行无法加入：数量须为 1 至 999，现场提货最多 12 行',
    en: 'This line cannot be added: {reason}',
  },
  TAKE_NOW_CREDITS_SHARED: {
    zh: '现场提货的各行共用一个业绩分配：已同时应用到所有现场提货行',
    en: 'The take-now lines share one credit: it applies to all of them',
  },
  LINE_UNKNOWN: { zh: '购物车中没有这一行', en: 'This line is no longer in the cart' },
  PRICE_MISSING: {
    zh: '该商品没有价格，不能下单：请联系主管',
    en: 'This product has no price and cannot be ordered: call the supervisor',
  },
  CART_EMPTY: { zh: '购物车是空的', en: 'The cart is empty' },
  CART_TOO_MANY_LINES: {
    zh: '购物车商品行太多：请分成两单',
    en: 'Too many lines in one cart: split it into two',
  },
  CREDIT_INVALID: {
    zh: '业绩分配无效：每人份额须大于 0，合计 100%，最多 5 人，员工号不重复',
    en: 'This credit split is not valid: {reason}',
  },
  STAFF_UNKNOWN: { zh: '没有员工 {staffId}', en: 'No staff member {staffId}' },
  CUSTOMER_MISSING: {
    zh: '自提和配送订单需要顾客：请先添加会员',
    en: 'A pickup or delivery order needs the customer: attach a member first',
  },
  ORDER_NEEDS_CUSTOMER: {
    zh: '自提和配送订单需要顾客：请先添加会员',
    en: 'A pickup or delivery order needs the customer: attach a member first',
  },
  MEMBER_MISSING: {
    zh: '请先添加会员：配送地址属于会员',
    en: 'Attach a member first: an address is a member’s',
  },
  ADDRESS_NEEDS_MEMBER: {
    zh: '配送地址需要会员：请先添加或新建会员',
    en: 'A delivery address needs a member: attach or create one first',
  },
  ADDRESS_INVALID: {
    zh: '地址不完整：请选择省市区并填写详细地址、收货人和手机号',
    en: 'The address is not complete: {reason}',
  },
  LINE_CANNOT_TRAVEL: {
    zh: '有商品无法写入取货码：{reason}',
    en: 'A line cannot be sent: {reason}',
  },
  TAKE_NOW_INVALID: {
    zh: '现场提货码无法生成：商品行或业绩分配有误',
    en: 'The take-now code cannot be made: {reason}',
  },
  TAKE_NOW_TOO_MANY_LINES: {
    zh: '一个现场提货码最多 12 行商品：请分两次发送',
    en: 'A take-now code carries at most 12 lines: send the rest separately',
  },
  TAKE_NOW_NO_KEY: {
    zh: '本平板没有签码密钥，无法生成现场提货码：请联系主管重新配置',
    en: 'This tablet has no code key for take-now codes: ask the supervisor to provision it again',
  },
  TAKE_NOW_CREDITS_DIFFER: {
    zh: '现场提货的各行业绩分配须相同：请统一后再发送',
    en: 'The take-now lines must share one credit: make them the same and send again',
  },
  NO_CODE_KEY: {
    zh: '本平板没有签码密钥，无法生成现场提货码：请联系主管重新配置',
    en: 'This tablet has no code key for take-now codes: ask the supervisor to provision it again',
  },
  ADDED_TO_CART: { zh: '已加入购物车：{name}', en: 'Added to the cart: {name}' },
  // The customer
  PHONE_INVALID: {
    zh: '手机号无效：请输入 11 位手机号',
    en: 'Not a mobile number: type the 11 digits',
  },
  MEMBER_UNKNOWN: {
    zh: '该手机号还不是会员：可为顾客新建会员',
    en: 'No member has this phone: you can create one for the customer',
  },
  MEMBER_NOT_FOUND: {
    zh: '该手机号还不是会员：可为顾客新建会员',
    en: 'No member has this phone: you can create one for the customer',
  },
  MEMBER_NOT_RECOGNISED: { zh: '无法识别的会员码', en: 'This is not a member QR code' },
  MEMBER_CLOSED: { zh: '该会员账户已关闭', en: 'This member account is closed' },
  MEMBER_INDEX_KEY_MISSING: {
    zh: '本平板没有会员索引密钥，不能按手机号查找：请扫描会员码',
    en: 'This tablet cannot look members up by phone: scan the member QR instead',
  },
  MEMBER_OFFLINE: {
    zh: '新建会员需要联网：请联网后再试，或扫描会员码',
    en: 'Creating a member needs the network: try again when online, or scan the member QR',
  },
  // The server's refusals (the clerk API)
  OUT_OF_STOCK: {
    zh: '库存不足，订单未提交：请调整数量或换一家门店',
    en: 'Not enough stock, nothing was ordered: {reason}',
  },
  NOT_ROUTABLE: {
    zh: '没有门店能配送这些商品，订单未提交：请改为到店自提',
    en: 'No store can deliver these items, nothing was ordered: {reason}',
  },
  PRICE_CHANGED: {
    zh: '价格已变动，订单未提交：请核对新价格后重新发送',
    en: 'The price changed, nothing was ordered: check the new price and send again ({reason})',
  },
  PRICE_MISMATCH: {
    zh: '价格已变动，订单未提交：请核对新价格后重新发送',
    en: 'The price changed, nothing was ordered: check the new price and send again ({reason})',
  },
  CREDIT_STALE: {
    zh: '这一行的业绩分配刚被修改过：请刷新后重新修改',
    en: 'This line’s credit was changed meanwhile: reload and edit again',
  },
  CREDIT_LINE_UNKNOWN: {
    zh: '本店没有这一行的销售记录：请刷新后再试',
    en: 'This store has no such sale line: reload and try again',
  },
  CREDIT_NOT_APPROVED: {
    zh: '批准人不是在职主管：请由在职主管输入工号和 PIN 批准',
    en: 'The approver is not an active supervisor: a supervisor must approve with their PIN',
  },
  CREDIT_EDIT_ID_REUSED: {
    zh: '这次修改与之前发送的修改不一致：请刷新后重新修改',
    en: 'This edit differs from the one sent before: reload and edit again',
  },
  BAD_REQUEST: {
    zh: '服务器拒绝了这个请求：{reason}',
    en: 'The server refused this request: {reason}',
  },
  INVALID: {
    zh: '服务器拒绝了这个请求：内容无效',
    en: 'The server refused this request: {reason}',
  },
  FORBIDDEN: {
    zh: '本平板无权执行此操作：请联系主管',
    en: 'This tablet may not do this: call the supervisor',
  },
  UNAUTHORIZED: {
    zh: '服务器不认识本平板：请联系主管重新配置',
    en: 'The server does not recognise this tablet: ask the supervisor to provision it again',
  },
  NO_LOCATION: {
    zh: '本店没有设置位置，无法按距离排列其他门店：请联系总部',
    en: 'This store has no location, so other stores cannot be sorted by distance: call head office',
  },
  HTTP_ERROR: {
    zh: '服务器回应异常（{status}）：请稍后再试',
    en: 'The server answered {status}: try again shortly',
  },
  METHOD_NOT_ALLOWED: {
    zh: '服务器不支持此操作：请更新本平板',
    en: 'The server does not take this request: update this tablet',
  },
  NOT_FOUND: { zh: '服务器上没有找到', en: 'The server has no such record' },
  ORDER_NOT_FOUND: { zh: '服务器上没有订单 {order}', en: 'The server has no order {order}' },
  CONFLICT: {
    zh: '数据已被修改：请刷新后再试',
    en: 'This changed meanwhile: reload and try again',
  },
  IDEMPOTENCY_KEY_REUSED: {
    zh: '这笔订单已用不同内容提交过：请新建购物车',
    en: 'This order was sent before with other contents: start a new cart',
  },
  RATE_LIMITED: {
    zh: '请求太频繁：请稍等片刻再试',
    en: 'Too many requests: wait a moment and try again',
  },
  UNAVAILABLE: {
    zh: '服务器暂时不可用：请稍后再试',
    en: 'The server is not available now: try again shortly',
  },
  INTERNAL_SERVER_ERROR: {
    zh: '服务器出错：请稍后再试',
    en: 'The server had a problem: try again shortly',
  },
  SERVER_OUTDATED: {
    zh: '服务器版本过旧：请联系技术支持',
    en: 'The server is older than this tablet: call support',
  },
  PROTOCOL_OUTDATED: {
    zh: '本平板版本过旧：请刷新页面更新',
    en: 'This tablet is out of date: reload the page to update',
  },
  // Orders and payment
  ORDER_QUEUED: {
    zh: '网络未连接：订单已保存在本平板，联网后自动提交',
    en: 'No network: the order is kept on this tablet and is sent when the network is back',
  },
  ORDER_NOT_HELD: { zh: '订单 {order} 当前不能付款', en: 'Order {order} cannot be paid now' },
  ORDER_ALREADY_PAID: { zh: '订单 {order} 已付款', en: 'Order {order} is paid already' },
  ORDER_HOLD_EXPIRED: {
    zh: '订单 {order} 的保留已过期：商品不再保留，请重新下单',
    en: 'Order {order}’s hold expired: its items are no longer kept; order again',
  },
  PAY_OFFLINE: {
    zh: '付款码需要联网：请联网后再试',
    en: 'The pay QR needs the network: try again when online',
  },
  // Commission and credit edits
  COMMISSION_OFFLINE: {
    zh: '无法连接服务器：显示的是上次的业绩',
    en: 'No connection: these are the last figures',
  },
  CREDIT_EDIT_OFFLINE: {
    zh: '修改业绩分配需要联网：请联网后再试',
    en: 'A credit edit needs the network: try again when online',
  },
  CREDIT_CHANGED: { zh: '业绩分配已修改', en: 'Credit changed' },
  CREDIT_UNCHANGED: { zh: '业绩分配没有变化', en: 'The credit split is unchanged' },
  CREDIT_NO_REASON: { zh: '请填写修改原因', en: 'Give a reason for the edit' },
  REASON_MISSING: { zh: '请填写修改原因', en: 'Give a reason for the edit' },
  NOT_PERMITTED: {
    zh: '{name} 无权授权此操作：需要主管',
    en: '{name} may not approve this: a supervisor must',
  },
  PIN_WRONG: { zh: '员工号或密码不正确', en: 'Staff id or PIN not recognised' },
  SIGN_IN_LOCKED: {
    zh: '密码错误次数过多，请 {seconds} 秒后再试',
    en: 'Too many wrong PINs: try again in {seconds} s',
  },
  NOT_SIGNED_IN: { zh: '请先登录', en: 'Sign in first' },
  // Fitting rooms [FM1]-[FM5]
  HUB_NONE: { zh: '本平板没有连接门店集线器', en: 'This tablet has no store hub' },
  HUB_NO_FITTING_ROOMS: {
    zh: '门店集线器未运行试衣间服务：请升级集线器',
    en: 'The store hub runs no fitting-room service: update the hub',
  },
  HUB_NO_ZONES: {
    zh: '门店集线器未运行区域引擎：请升级集线器',
    en: 'The store hub runs no zone engine: update the hub',
  },
  HUB_FAILED: { zh: '门店集线器未能完成：{reason}', en: 'The store hub could not do it: {reason}' },
  ROOM_UNKNOWN: { zh: '没有这个试衣间', en: 'There is no such fitting room' },
  ROOM_EMPTY: {
    zh: '{room} 里没有商品，无法关联会员',
    en: 'Nothing is in {room}: there is nothing to link',
  },
  MEMBER_LINKED: {
    zh: '会员 {name} 已关联到 {room}（{n} 件）',
    en: 'Member {name} linked to {room} ({n} item(s))',
  },
  // Counts [FM6]-[FM9]
  COUNT_ZONE_MISSING: { zh: '请选择要盘点的区域', en: 'Choose the zone to count' },
  COUNT_UNKNOWN: { zh: '本平板上没有这次盘点', en: 'This count is not on this tablet' },
  COUNT_NOT_HANDHELD: {
    zh: '这次盘点由固定读写器读取，不能手持读取',
    en: 'This count was read by the fixed readers, not by hand',
  },
  COUNT_SENT: {
    zh: '这次盘点已提交：请新建盘点再读取',
    en: 'This count was sent: start a new one to read again',
  },
  COUNT_WAITING: {
    zh: '未联网：{n} 个标签已保存在本平板，联网后自动提交',
    en: 'Offline: the {n} reads are kept on this tablet and sent when online',
  },
  COUNT_STILL_READING: { zh: '请先停止读取再提交', en: 'Stop reading before sending the count' },
  COUNT_EMPTY: { zh: '还没有读到标签：请先读取', en: 'Nothing was read: read the tags first' },
  COUNT_NOT_COMPARED: {
    zh: '请先提交盘点、查看结果后再审批',
    en: 'Send the count and see its result before approving',
  },
  COUNT_APPROVED: {
    zh: '{name} 已审批盘点：库存已调整',
    en: 'Count approved by {name}: stock adjusted',
  },
  COUNT_REFUSED: {
    zh: '服务器拒绝了这次盘点：{reason}',
    en: 'The server refused the count: {reason}',
  },
  // Devices
  CAMERA_DENIED: {
    zh: '未获得摄像头权限：请在浏览器设置中允许使用摄像头',
    en: 'The camera was not allowed: allow it in the browser settings',
  },
  // Transfers and deliveries [TA13]-[TA15]
  SCAN_EMPTY: { zh: '请扫描商品或输入条码', en: 'Scan an item or type its barcode' },
  TRANSFER_NOTHING_TO_DO: {
    zh: '该调拨单现在没有本店要做的步骤',
    en: 'This transfer has no step for this store now',
  },
  TRANSFER_STEP_UNKNOWN: { zh: '本平板上没有这个步骤', en: 'This step is not on this tablet' },
  TRANSFER_STEP_CONFIRMED: {
    zh: '该步骤已确认，不能再修改',
    en: 'This step was confirmed: it cannot change now',
  },
  TRANSFER_NOT_ON_LIST: {
    zh: '{name}（{sku}）不在这张调拨单上：请放到一边',
    en: '{name} ({sku}) is not on this transfer: put it aside',
  },
  TRANSFER_EPC_AGAIN: {
    zh: '该标签已读过：只计一次',
    en: 'This tag was read already: counted once',
  },
  TRANSFER_COUNT_INVALID: {
    zh: '数量须为 0 或以上的整数',
    en: 'A count is a whole number, 0 or more',
  },
  TRANSFER_COUNT_BELOW_TAGS: {
    zh: '{sku} 已读到 {n} 个标签：数量不能更少',
    en: '{n} tags of {sku} were read: the count cannot be lower',
  },
  TRANSFER_NOTHING_SCANNED: {
    zh: '还没有扫描任何商品：请先扫描',
    en: 'Nothing was scanned: scan the items first',
  },
  TRANSFER_WAITING: {
    zh: '该步骤已保存在本平板上，联网后发送',
    en: 'The step waits on this tablet and is sent when the network is back',
  },
  TRANSFER_REFUSED: {
    zh: '服务器拒绝了该步骤：{reason}',
    en: 'The server refused the step: {reason}',
  },
  CAMERA_MISSING: { zh: '本设备没有可用的摄像头', en: 'This device has no camera to use' },
  FAILED: { zh: '操作失败：{reason}', en: 'That did not work: {reason}' },
};

/** Codes whose `{reason}` is worth showing in Chinese too: the words name what to fix. */
const REASON_IN_ZH = new Set([
  'BAD_REQUEST',
  'FAILED',
  'HUB_FAILED',
  'COUNT_REFUSED',
  'TRANSFER_REFUSED',
]);

/** The words of `said` in `language`: by its code when known, else its English words. */
export function saidText(language: Language, said: Said): string {
  const raw = said.code?.toUpperCase();
  // A refusal with no code of its own is named by its HTTP status.
  const code = raw && /^HTTP_\d{3}$/.test(raw) ? 'HTTP_ERROR' : raw;
  const words = code ? CODE_WORDS[code] : undefined;
  if (words) {
    const reason = said.text.trim();
    const values: Record<string, string> = { ...said.params };
    if (code === 'HTTP_ERROR') values.status ??= raw!.slice(5);
    const zh = language === 'zh-CN';
    if (!zh || REASON_IN_ZH.has(code!)) values.reason ??= reason;
    const template = zh ? words.zh : words.en;
    const filled = fillTemplate(template, values);
    // A placeholder the use case gave no value for: its own words say more.
    if (/\{\w+\}/.test(filled)) return zh ? dropPlaceholders(filled) : reason || filled;
    return filled;
  }
  // Words without a code: this table's, else the till's.
  if (!code && language === 'zh-CN' && said.text in ZH) return ZH[said.text]!;
  // Codes the till words already (the pickup desk, members, devices).
  return messageText(language, { tone: 'error', ...said });
}

function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    values[name] !== undefined && values[name] !== '' ? values[name] : whole,
  );
}

/** A template with its unfilled parts left out, and what hangs on them (a trailing ": {x}"). */
function dropPlaceholders(text: string): string {
  return text
    .replace(/[：:]\s*\{\w+\}/g, '')
    .replace(/\s*[（(]\{\w+\}[）)]/g, '')
    .replace(/\{\w+\}\s*/g, '')
    .trim();
}

const ZH: Record<string, string> = {
  // Sign-in and the frame
  'Clerk tablet': '店员助手',
  'Sign in': '登录',
  'Sign out': '退出登录',
  Member: '会员',
  'Silver member': '银卡会员',
  'Gold member': '金卡会员',
  'Platinum member': '白金卡会员',
  'Staff id': '员工号',
  PIN: '密码',
  'Signing in…': '正在登录…',
  'Type your staff id, then your PIN on the keypad': '输入员工号，再用键盘输入密码',
  Next: '下一步',
  Find: '找货',
  Product: '商品',
  Cart: '购物车',
  'Cart ({n})': '购物车（{n}）',
  Orders: '订单',
  'Orders ({n})': '订单（{n}）',
  'My sales': '我的业绩',
  Pickup: '自提',
  Online: '在线',
  Offline: '离线',
  'Offline: figures are the last known': '离线：显示的是最近一次的数据',
  'All sent': '全部已上传',
  '{n} waiting to upload': '{n} 项待上传',
  'Last sync {time}': '上次同步 {time}',
  'Never synced': '尚未同步',
  'Hub connected': '门店设备已连接',
  'Hub not connected': '门店设备未连接',
  'No hub': '未配置门店设备',
  Language: '语言',
  Close: '关闭',
  Cancel: '取消',
  Back: '返回',
  OK: '确定',
  Done: '完成',
  Remove: '删除',
  'Loading…': '加载中…',
  // Find
  'Search: name, pinyin initials, SKU or barcode': '搜索：名称、拼音首字母、货号或条码',
  Search: '搜索',
  'Scan with the camera': '摄像头扫码',
  'Stop the camera': '关闭摄像头',
  'Point the camera at the barcode': '将摄像头对准条码',
  'Scan a barcode, read an RFID tag, or search': '扫条码、读 RFID 标签，或搜索商品',
  'No products found for “{text}”': '没有找到“{text}”相关的商品',
  '{n} products': '{n} 件商品',
  'No price': '无价格',
  'Here: {n}': '本店可售 {n}',
  'Here: not known': '本店库存未知',
  // Product
  'Stock here': '本店库存',
  'Stock here by size': '本店各尺码库存',
  'Size {size}': '尺码 {size}',
  'Colour {colour}': '颜色 {colour}',
  'Selected: {colour} {size}': '已选：{colour} {size}',
  'Choose a size in the grid': '请在表格中选择尺码',
  '— not known': '— 表示未知',
  'Total here: {n}': '本店合计：{n}',
  'Available here: {n}': '本店可售：{n}',
  'Not known here': '本店库存未知',
  'Other stores': '其他门店',
  'Nearest first': '由近到远',
  Live: '实时',
  'As of {time}': '截至 {time}',
  'Offline: as of {time}': '离线：截至 {time} 的数据',
  'Not live: as of {time}': '非实时：截至 {time} 的数据',
  'Other stores are not known': '暂无其他门店的库存数据',
  'No other store has this size': '其他门店都没有这个尺码',
  '{n} available': '可售 {n}',
  'None available': '无货',
  'Order for pickup here': '在此门店自提',
  'Take now': '现场提货',
  'Ship to customer': '配送到顾客',
  Quantity: '数量',
  'Added to the cart: {name}': '已加入购物车：{name}',
  '{km} km': '{km} 公里',
  '{m} m': '{m} 米',
  'Order for pickup at {store}': '到{store}自提',
  // Cart
  'The cart is empty: find a product and add it': '购物车是空的：请先找货并加入',
  'Take now: pay at the till': '现场提货：到收银台付款',
  'Pickup at {store}': '到 {store} 自提',
  'Delivery to the customer': '配送到顾客',
  'Delivery: {address}': '配送：{address}',
  'Same-city delivery: {address}': '同城配送：{address}',
  '{price} each': '单价 {price}',
  'One less': '减一件',
  'One more': '加一件',
  Credit: '业绩',
  'Credit: {who}': '业绩：{who}',
  Customer: '顾客',
  'No customer yet': '尚未添加顾客',
  'Member by phone': '按手机号找会员',
  'Scan member QR': '扫会员码',
  'New member': '新建会员',
  'Customer phone': '顾客手机号',
  'Find member': '查找会员',
  'Create member': '新建会员',
  'Name (optional)': '姓名（可不填）',
  'Ask the customer to scan this with their phone to give consent':
    '请顾客用自己的手机扫描此码，确认授权',
  'Member created: {phone}': '已新建会员：{phone}',
  'Change customer': '更换顾客',
  Total: '合计',
  'Take now total': '现场提货合计',
  'Order total': '订单合计',
  Send: '发送',
  'Sending…': '正在发送…',
  'Edit credit': '修改业绩',
  'Who sold this line': '这件商品由谁销售',
  'Share %': '份额 %',
  'Add staff': '添加员工',
  'Split evenly': '平均分配',
  'Shares add up to {n} %': '份额合计 {n}%',
  Save: '保存',
  'Delivery address': '配送地址',
  'Express delivery': '快递配送',
  'Same-city delivery': '同城配送',
  Province: '省份',
  City: '城市',
  District: '区县',
  Choose: '请选择',
  'Street address': '详细地址',
  Recipient: '收货人',
  'Recipient phone': '收货人手机号',
  'Add to the cart': '加入购物车',
  'Attach the customer first: a delivery needs a member': '请先添加顾客：配送需要会员',
  // Sent
  Sent: '已发送',
  'Take-now code': '现场提货码',
  'Ask the cashier to scan this code at the till': '请收银员在收银台扫描此码收款',
  'Order {number}': '订单 {number}',
  'Pay by QR': '扫码付款',
  'Customer scans to pay {amount}': '顾客扫码支付 {amount}',
  'Waiting for the payment…': '正在等待付款…',
  Paid: '已付款',
  'Held until {time}': '保留至 {time}',
  'Pick up by {time}': '请于 {time} 前取货',
  'Waiting for the network: the order is sent when it is back': '等待网络：联网后自动提交订单',
  'New cart': '新购物车',
  'Open orders': '查看订单',
  // Orders
  'Waiting for the network': '等待网络',
  'Order not placed yet': '订单尚未提交',
  Placed: '已下单',
  Failed: '未成功',
  'Nothing waiting': '没有待处理的订单',
  'Try again now': '立即重试',
  Dismiss: '移除',
  'Not ordered': '未下单',
  'Attempts: {n}, last {time}': '已尝试 {n} 次，最近一次 {time}',
  'Made {time}': '创建于 {time}',
  // My sales
  Today: '今日',
  'This month': '本月',
  Sales: '销售额',
  Commission: '提成',
  Lines: '件数',
  'Credited lines this month': '本月计入业绩的商品',
  'No credited lines yet this month': '本月还没有计入业绩的商品',
  'Not known yet': '暂无数据',
  Refresh: '刷新',
  'Supervisor edit': '主管修改',
  'Change the credit of this line': '修改这一行的业绩分配',
  'Supervisor id': '主管员工号',
  'Supervisor PIN': '主管密码',
  Reason: '原因',
  'Credit changed': '业绩分配已修改',
  'Refunded: {amount}': '已退款：{amount}',
  'Your share {share} %': '您的份额 {share}%',
  // Pickup
  'Pickup desk': '自提柜台',
  'Pickup code': '取货码',
  'Type the 6-digit code or scan the pickup QR': '输入 6 位取货码，或扫描取货二维码',
  'Find order': '查找订单',
  '{n} tries left': '还可尝试 {n} 次',
  'Locked until {time}: scan the pickup QR': '已锁定至 {time}：请扫描取货二维码',
  'Scan pickup QR': '扫取货二维码',
  'Waiting for pickup': '待取货',
  'Waiting for pickup ({n})': '待取货（{n}）',
  'No order is waiting for pickup here': '本店没有待取货的订单',
  Order: '订单',
  Status: '状态',
  Deadline: '截止',
  Overdue: '已逾期',
  Ordered: '订购',
  Collected: '已取',
  Left: '待取',
  'Hand over': '交付',
  'Hand over all': '全部交付',
  'Hand over {n}': '交付 {n} 件',
  'Not paid: take the payment at the till first': '未付款：请先在收银台收款',
  'The hold expired': '保留已过期',
  'This order is closed': '该订单已关闭',
  'Everything was collected': '已全部取走',
  'Deadline {time}': '取货截止 {time}',
  'Works offline too': '离线也可使用',
  'Print the slip again': '重新打印自提单',
  // Fitting rooms, tried items and suggestions, counts [TA9]-[TA12]
  'Fitting rooms': '试衣间',
  'Tried & suggestions': '试穿与推荐',
  Count: '盘点',
  'Start a count': '开始盘点',
  'Whole store, fixed readers': '全店（固定读写器）',
  Zone: '区域',
  'No zones': '没有区域',
  'Count this zone': '盘点该区域',
  'Handheld read': '手持读取',
  'Counts on this tablet': '本平板上的盘点',
  'No counts yet': '还没有盘点',
  '{n} reads': '{n} 个标签',
  'This count': '本次盘点',
  'Start a count, or choose one on this tablet': '开始新的盘点，或选择本平板上的盘点',
  'Whole store': '全店',
  'Zone {zone}': '区域 {zone}',
  'Handheld, whole store': '手持（全店）',
  Handheld: '手持',
  Reading: '读取中',
  'Ready to send': '待提交',
  Refused: '被拒绝',
  'Compared, not approved': '已比对，待审批',
  Approved: '已审批',
  'Started {time}': '开始于 {time}',
  'tags read': '个标签已读取',
  '{n} other tags ignored': '另有 {n} 个非商品标签未计入',
  'Reading… release to stop': '读取中…松开即停止',
  'Hold to read': '按住读取',
  'Waiting for the network: the {n} reads are kept on this tablet and sent when online':
    '等待联网：{n} 个标签已保存在本平板，联网后自动提交',
  Discard: '放弃',
  'Send again': '重新提交',
  'Send the count': '提交盘点',
  'Approve (supervisor)': '审批（主管）',
  'Approved by {id}: stock adjusted': '{id} 已审批：库存已调整',
  'Discard this count?': '放弃这次盘点？',
  'Its {n} reads are removed from this tablet.': '它的 {n} 个标签将从本平板删除。',
  Found: '已找到',
  Missing: '缺失',
  Unexpected: '多出',
  'Accuracy by unit': '按件准确率',
  'Accuracy by SKU': '按 SKU 准确率',
  Expected: '应有',
  Accuracy: '准确率',
  'Adjust {delta}': '调整 {delta}',
  'Approve the count': '审批盘点',
  'Approving adjusts the stock by the count, once.': '审批后按盘点结果调整库存（仅一次）。',
  Approve: '审批',
  'Live from the store’s readers. A tag in a room for {n} min or more is a try-on.':
    '门店读写器实时数据。在试衣间停留 {n} 分钟及以上即算试穿。',
  'This store has no fitting rooms': '本店没有试衣间',
  'Link a member to {room}': '为 {room} 关联会员',
  'Scan the member QR code on the customer’s phone': '请扫描顾客手机上的会员码',
  '{n} item(s)': '{n} 件',
  Free: '空闲',
  'Member {name}': '会员 {name}',
  'A member is linked': '已关联会员',
  'Nothing in this room': '试衣间内没有商品',
  'Link member': '关联会员',
  Suggestions: '推荐',
  'Tried items': '试穿记录',
  'Not in the catalog': '不在商品目录中',
  'Under 1 min': '不到 1 分钟',
  '{n} min': '{n} 分钟',
  'Try-on': '试穿',
  'Just in': '刚进入',
  'No customer chosen': '未选择顾客',
  'Scan the customer’s member QR to see what they tried': '扫描顾客的会员码，查看其试穿记录',
  'For what is in {room} now': '根据 {room} 里现有的商品',
  'For this member': '为该会员推荐',
  'Open a room or scan a member QR to see suggestions': '从试衣间打开或扫描会员码查看推荐',
  'Not live: the last answer': '非实时：上次的结果',
  'Offline: the last answer': '离线：上次的结果',
  'Nothing tried yet': '还没有试穿记录',
  Sold: '已售出',
  'Not bought': '未购买',
  'Suggestions need the network': '推荐需要联网',
  'The customer has not agreed to suggestions: none are shown': '顾客未同意接收推荐：不显示推荐',
  'No suggestions': '暂无推荐',
  'Another size or colour of {tried}': '{tried} 的其他尺码或颜色',
  Here: '本店',
  'Bought together with {tried} {n} times': '与 {tried} 一起购买 {n} 次',
  'Goes with it': '搭配',
  // Transfers and deliveries [TA13]-[TA15]
  Transfers: '调拨',
  'Transfers ({n})': '调拨 ({n})',
  'Transfers and deliveries': '调拨与收货',
  'Nothing to do now': '现在没有要处理的调拨',
  'Offline: the list as last seen': '离线：显示上次的列表',
  Pick: '拣货',
  Ship: '发货',
  Receive: '收货',
  Draft: '草稿',
  Picked: '已拣货',
  Shipped: '已发货',
  Received: '已收货',
  Cancelled: '已取消',
  Scanning: '扫描中',
  Confirmed: '已确认',
  'To {store}': '调往 {store}',
  'From {store}': '来自 {store}',
  Delivery: '供应商送货',
  Transfer: '调拨单',
  '{lines} lines, {n} units': '{lines} 行，共 {n} 件',
  'Waiting to send': '等待发送',
  'This step': '当前步骤',
  'Choose a transfer to pick, ship or receive': '请选择要拣货、发货或收货的调拨单',
  'units scanned': '件已扫描',
  'Scan or type a barcode': '扫描或输入条码',
  Add: '添加',
  Camera: '摄像头',
  'Hold to read RFID tags': '按住读取 RFID 标签',
  'Waiting for the network: kept on this tablet and sent when online':
    '等待网络：已保存在本平板上，联网后自动发送',
  Scanned: '已扫描',
  'Over / under': '多 / 少',
  Correct: '更正',
  '{n} over': '多 {n}',
  '{n} short': '少 {n}',
  'Confirm: {step}': '确认{step}',
  'Confirmed: the transfer is {status} now': '已确认：调拨单现为{status}',
  'Discard these scans?': '放弃这些扫描？',
  'The units scanned for this step are removed from this tablet.':
    '本步骤已扫描的数量将从本平板上删除。',
};

const EN: Record<string, string> = {};

/** The words for `text` in `language`, with `{name}` placeholders filled. */
export const say = phraseBook(ZH, EN);

const STATUS: Record<OrderStatus, { zh: string; en: string }> = {
  placed: { zh: '已下单，待付款', en: 'Placed, not paid' },
  held: { zh: '待付款（商品保留中）', en: 'Held, waiting for payment' },
  paid: { zh: '已付款', en: 'Paid' },
  ready: { zh: '可取货', en: 'Ready for pickup' },
  'partly-picked-up': { zh: '部分已取', en: 'Partly collected' },
  'picked-up': { zh: '已全部取货', en: 'Collected in full' },
  'partly-shipped': { zh: '部分已发货', en: 'Partly shipped' },
  shipped: { zh: '已发货', en: 'Shipped' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
  expired: { zh: '保留已过期', en: 'Hold expired' },
  refunded: { zh: '已退款', en: 'Refunded' },
  closed: {
    zh: '已关闭：未取部分已退款',
    en: 'Closed: the rest was not collected and is refunded',
  },
};

/** An order's status in words. */
export function statusText(language: Language, status: OrderStatus): string {
  const words = STATUS[status];
  return language === 'zh-CN' ? words.zh : words.en;
}

/** For the messages test: every English key has its zh-CN words. */
export const TABLET_MESSAGES_ZH = ZH;
