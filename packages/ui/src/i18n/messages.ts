/**
 * The screen's words in English and Chinese (zh-CN). English is the key; a
 * phrase missing from the Chinese table shows in English. Messages from the
 * domain (refusals) and the hub (errors, device problems) carry a code and
 * are worded in Chinese by it; an unknown code shows the English words.
 */
import {
  type CheckoutErrorCode,
  type CodeError,
  type CouponError,
  type FulfilmentErrorCode,
  type PointsError,
  type ReturnError,
  type TenderError,
  type VariableMeasureError,
} from '@pos/domain';
import type {
  DeviceProblem,
  DeviceProblemCode,
  DeviceStatus,
  HubErrorCode,
} from '@pos/hardware/protocol';

/** The languages screens speak. */
export type Language = 'zh-CN' | 'en';

/** A message on screen: English words, and a code (with params and context) to word it by. */
export type ScreenMessage = {
  tone: 'info' | 'error';
  text: string;
  code?: string;
  context?: string;
  params?: Record<string, string>;
};

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
  'label-printer': '面单打印机',
  rfid: 'RFID 读写器',
  ready: '就绪',
  offline: '离线',
  error: '故障',
  'Receipt not printed': '小票未打印',
  'Receipt waiting for the printer': '小票等待打印',
  'Report not printed': '报表未打印',
  'Report waiting for the printer': '报表等待打印',
  'Refund receipt not printed': '退款小票未打印',
  'Refund receipt waiting for the printer': '退款小票等待打印',
  'Consent slip not printed': '授权二维码未打印',
  'Consent slip waiting for the printer': '授权二维码等待打印',
  'Consent QR': '授权二维码',
  'Drawer did not open': '钱箱未打开',
  'The sale was not recorded, nothing was sold': '销售未记录，本单未成交',
  'The return was not recorded': '退货未记录',
  'The close was not recorded': '交班未记录',
  'Cart resumed': '已取单',
  'Staff id or PIN not recognised': '员工号或密码不正确',
  'Choose a line': '选择商品行',
  gold: '金卡',
  silver: '银卡',
  basic: '普通',
  platinum: '白金卡',
  'Amount due': '应收',
  'Cash rounding': '抹零',
  Stock: '库存',
  'On hand': '现有',
  Available: '可售',
  'Stock unknown': '库存未知',
  Provider: '支付渠道',
  'Search results': '搜索结果',
  'No carts put aside.': '没有挂单。',
  'Type an amount, for example 50 or 50.00': '请输入金额，例如 50 或 50.00',
  'Type the amount, for example 50 or 50.00': '请输入金额，例如 50 或 50.00',
  'Type an amount above zero': '请输入大于零的金额',
  'Type or scan the payment reference': '请输入或扫描交易参考号',
  'Type the cash in the drawer, for example 500': '请输入钱箱中的现金，例如 500',
  'Not paid': '未付款',
  'Printed on the receipt printer; if it is not ready, it prints when it is.':
    '已发送到小票打印机；打印机未就绪时，就绪后自动打印。',
  'The refund receipt goes to the receipt printer; if it is not ready, it prints when it is.':
    '退款小票已发送到打印机；打印机未就绪时，就绪后自动打印。',
  'Attach a member first': '请先添加会员',
  'Points cannot pay at this store': '本店不支持积分抵扣',
  Keypad: '数字键盘',
  Delete: '删除',
  Clear: '清除',
  'A supervisor approves voiding this line.': '删除此行需要主管授权。',
  'A supervisor approves changing this price.': '改价需要主管授权。',
  'A supervisor approves a discount on this sale.': '整单折扣需要主管授权。',
  'A supervisor approves this refund.': '退款需要主管授权。',
  'A supervisor approves opening the drawer without a sale.': '无销售开钱箱需要主管授权。',
  'This till is not recognised by the server: call the supervisor':
    '服务器不认识本收银台：请联系主管',
  'The sync server has a problem; sales upload when it is back':
    '同步服务器出现故障；恢复后自动上传销售',
  'No connection to the sync server; sales upload when it is back':
    '无法连接同步服务器；恢复后自动上传销售',
  'not found here: recorded on the sale': '本机未找到：已记录在销售单上',
  'This terminal has no member index key: scan the member QR':
    '本收银台没有会员索引密钥，不能按手机号查找：请扫描会员码',
  'member QR, not on this till: the sale carries the member id, no member prices':
    '会员码，本机没有该会员：销售单记录会员号，不享会员价',
  'Catalog download': '商品目录下载',
  // The pickup desk and online order returns
  Pickup: '自提',
  Clerk: '导购',
  'Pickup code': '取货码',
  'Type the 6-digit code or scan the pickup QR': '输入 6 位取货码，或扫描取货二维码',
  'Find order': '查找订单',
  '{n} tries left': '还可尝试 {n} 次',
  'Locked until {time}: scan the pickup QR': '已锁定至 {time}：请扫描取货二维码',
  Order: '订单',
  Ordered: '订购',
  Collected: '已取',
  Left: '剩余',
  'Hand over': '交付',
  'Hand over all': '全部交付',
  'Print slip again': '重打自提单',
  'Pay here: cash': '在此付款：现金',
  'Pay here: card': '在此付款：银行卡',
  'Not paid: take the payment here, then hand over': '未付款：请先在此收款，再交付',
  'The hold expired: the items are no longer kept. Sell them as a new sale':
    '保留已过期：商品不再为该订单保留，请按新销售结账',
  'Collected in full': '已全部取走',
  'Nothing to hand over: this order is closed': '订单已关闭，无可交付商品',
  'Pickup slip not printed': '自提单未打印',
  'Pickup slip waiting for the printer': '自提单等待打印',
  'Return slip not printed': '退货单未打印',
  'Return slip waiting for the printer': '退货单等待打印',
  'The hand-over was not recorded': '交付未记录',
  'The payment was not recorded': '付款未记录',
  'Online order return': '线上订单退货',
  'Order QR code': '订单二维码',
  'Scan the order QR on the customer’s phone or slip': '请扫描顾客手机或小票上的订单二维码',
  Returned: '已退',
  'Refund to': '退款方式',
  'Original payment': '原路退回',
  Increase: '增加',
  Decrease: '减少',
  'Held, not paid': '已保留，未付款',
  'Placed, not paid': '已下单，未付款',
  'Ready for pickup': '待取货',
  'Partly collected': '部分已取',
  'Closed: the rest was not collected and is refunded': '已关闭：其余未取商品已退款',
  Cancelled: '已取消',
  'Hold expired': '保留已过期',
  Refunded: '已退款',
  // The fulfilment desk (门店发货)
  Parcels: '发货',
  Parcel: '包裹',
  Orders: '订单',
  Delivery: '配送',
  Picked: '已拣',
  Short: '缺货',
  Status: '状态',
  Open: '打开',
  Aisle: '货位',
  'Loading…': '加载中…',
  'No parcels to ship': '没有待发货的包裹',
  'Steps not uploaded yet': '尚未上传的操作',
  'Same-city': '同城',
  'To pick': '待拣货',
  'To pack': '待打包',
  'To label': '待打印面单',
  'To hand over': '待交快递',
  'Handed over': '已交快递',
  'Not found': '找不到',
  Damaged: '破损',
  'Rejected by the store': '门店拒单',
  'Scan each item to pick it': '请逐件扫描商品拣货',
  'Everything is picked': '已全部拣完',
  '{n} more of this item': '此商品还需 {n} 件',
  'line done': '此行已拣完',
  '{n} left in the parcel': '包裹还剩 {n} 件',
  'Why this store': '为何由本店发货',
  'Scan or type a barcode': '扫描或输入条码',
  'Pick by hand': '手工拣货',
  'Report short': '报缺货',
  'Report {n} × {name} short? They go to another store.':
    '确认 {name} 缺货 {n} 件？这些商品将改由其他门店发货。',
  Why: '原因',
  'Units short': '缺货数量',
  'Confirm short': '确认缺货',
  'Weight (g), optional': '重量（克，可不填）',
  Pack: '打包',
  'No label printer on this till': '本收银台没有面单打印机',
  'Print slip and label': '打印装箱单和面单',
  'Print label again': '重打面单',
  'Print packing slip': '打印装箱单',
  Courier: '快递员',
  'Hand over to courier': '交给快递员',
  'Back to parcels': '返回包裹列表',
  'Packing slip waiting for the printer': '装箱单等待打印',
  'Packing slip not printed': '装箱单未打印',
  'Label waiting for the label printer': '面单等待打印',
  'Label not printed': '面单未打印',
  'The step was not recorded': '操作未记录',
};

/** Every code a message on screen can carry; a new one is a type error until it is worded. */
type MessageCode =
  | CodeError
  | CouponError
  | PointsError
  | ReturnError
  | TenderError
  | VariableMeasureError
  | FulfilmentErrorCode
  | CheckoutErrorCode
  | HubErrorCode
  | 'PHONE_INVALID'
  | 'MEMBER_NOT_RECOGNISED'
  | 'MEMBER_UNKNOWN'
  | 'MEMBER_INDEX_KEY_MISSING'
  | 'CODE_FIELD_INVALID'
  | 'MONEY_INVALID'
  | 'ALLOCATION_INVALID'
  | 'PRINT_QUEUED'
  // Refusals and notices of the app core's use cases
  | 'CASH_SHORT'
  | 'CART_OPEN'
  | 'SALE_INVALID'
  | 'SALE_OTHER_STORE'
  | 'SALE_NOT_FOUND'
  | 'SALE_LOOKUP_OFFLINE'
  | 'NOT_A_RECEIPT_CODE'
  | 'RETURN_INVALID'
  | 'CLOSE_INVALID'
  | 'SIGN_IN_LOCKED'
  | 'PIN_WRONG'
  | 'NOT_SIGNED_IN'
  | 'NO_SHIFT'
  | 'CART_UNKNOWN'
  | 'MEMBER_MISSING'
  | 'POINTS_NOT_ACCEPTED'
  | 'STOCK_INVALID'
  | 'FAILED'
  | 'MEMBER_ATTACHED'
  | 'MEMBER_RECORDED_ON_SALE'
  | 'MEMBER_NOT_ON_TERMINAL'
  | 'COUPON_ADDED'
  | 'CART_SUSPENDED'
  | 'NO_SALE_OPENED'
  | 'CONSENT_NEEDS_MEMBER'
  | 'CONSENT_OFFLINE'
  | 'CONSENT_MEMBER_UNKNOWN'
  | 'CONSENT_REFUSED'
  | 'CONSENT_SLIP_PRINTED'
  // A clerk's take-now code at the checkout
  | 'TAKE_NOW_INVALID'
  | 'TAKE_NOW_ADDED'
  | 'TAKE_NOW_OTHER_STORE'
  | 'TAKE_NOW_IN_CART'
  | 'TAKE_NOW_ANOTHER_IN_CART'
  | 'TAKE_NOW_SOLD'
  | 'TAKE_NOW_SKU_UNKNOWN'
  // RFID checkout: tags read at the counter
  | 'RFID_ADDED'
  | 'RFID_SOLD'
  | 'RFID_NOT_TRADE_ITEM'
  | 'RFID_UNKNOWN_PRODUCT'
  | 'RFID_WEIGHED'
  | 'RFID_NOT_SELLABLE'
  // The pickup desk and online order returns
  | 'PICKUP_NO_STORE_KEY'
  | 'PICKUP_LOCKED'
  | 'PICKUP_CODE_FORMAT'
  | 'PICKUP_CODE_UNKNOWN'
  | 'PICKUP_CODE_AMBIGUOUS'
  | 'PICKUP_WRONG_STORE'
  | 'PICKUP_ORDER_NOT_HERE'
  | 'PICKUP_NOT_PAID'
  | 'PICKUP_ALL_COLLECTED'
  | 'PICKUP_CLOSED'
  | 'PICKUP_NOTHING_CHOSEN'
  | 'PICKUP_INVALID'
  | 'PICKUP_HANDED_OVER'
  | 'PICKUP_NO_SLIP'
  | 'NOT_A_PICKUP_CODE'
  | 'NOT_AN_ORDER_CODE'
  | 'ORDER_HOLD_EXPIRED'
  | 'ORDER_ALREADY_PAID'
  | 'ORDER_PAID_HERE'
  | 'ORDER_PAYMENT_INVALID'
  | 'ORDER_ALREADY_HANDED_OVER'
  | 'ORDER_PICKUP_EXCEEDS_ORDERED'
  | 'ORDER_TRANSITION_REFUSED'
  | 'ORDER_WRONG_STORE'
  | 'ORDER_NOT_FOUND'
  | 'ORDER_LOOKUP_REFUSED'
  | 'ORDER_LOOKUP_OFFLINE'
  | 'ORDER_NOTHING_TO_RETURN'
  | 'ORDER_RETURN_NOTHING_CHOSEN'
  | 'ORDER_RETURN_EXCEEDS_HANDED_OVER'
  | 'ORDER_RETURN_INVALID'
  | 'ORDER_REFUND_CASH'
  | 'ORDER_REFUND_ORIGINAL'
  // The fulfilment desk
  | 'FULFILMENT_NO_PARCEL'
  | 'FULFILMENT_INVALID'
  | 'SHIPMENT_NOT_HERE'
  | 'SHIPMENT_NO_ADDRESS'
  | 'SCAN_EMPTY'
  | 'PICK_UNKNOWN_CODE'
  | 'PICK_NOT_IN_PARCEL'
  | 'PICK_ALREADY_ENOUGH'
  | 'PICK_NOTHING_LEFT'
  | 'PICK_TAG_COUNTED'
  | 'PICKED'
  | 'SHORT_REASON'
  | 'SHORT_QUANTITY'
  | 'SHORT_REPORTED'
  | 'SHORT_PARCEL_CANCELLED'
  | 'PACK_WEIGHT'
  | 'PACKED'
  | 'NO_LABEL_PRINTER'
  | 'LABEL_PRINTED'
  | 'LABEL_QUEUED'
  | 'HANDOVER_NO_COURIER'
  | 'HANDED_TO_COURIER';

/** Refusals of the domain and errors of the hub, by code. */
const ZH_CODES: Record<MessageCode, string> = {
  // Scanned and signed codes
  CODE_FORMAT: '无法识别的码',
  CODE_CHECK_CHARACTER: '码的校验位不对，请重新扫描',
  CODE_SIGNATURE: '码的签名无效，可能是伪造的',
  CODE_KIND: '这不是此处可用的码',
  CODE_EXPIRED: '码已过期，请让顾客刷新',
  CODE_FIELD_INVALID: '码的内容无效',
  BARCODE_FORMAT: '条码格式不对',
  BARCODE_CHECK_DIGIT: '条码校验位不对，请重新扫描',
  NOT_VARIABLE_MEASURE: '不是称重商品条码',
  LAYOUT_INVALID: '称重条码格式配置有误',
  SCAN_UNREADABLE: '无法识别扫描内容',
  // Cart and checkout
  CURRENCY_UNKNOWN: '不支持的币种',
  PRODUCT_NOT_SELLABLE: '该商品不可销售',
  PRICE_MISSING: '该商品没有价格，请联系主管',
  PRODUCT_UNKNOWN: '找不到该商品',
  QUANTITY_INVALID: '数量无效',
  LINE_UNKNOWN: '购物车中没有这一行',
  LINE_ID_TAKEN: '购物车行号重复',
  NOT_PERMITTED: '无此权限，需要主管授权',
  AMOUNT_INVALID: '金额无效',
  MEMBER_CLOSED: '该会员账户已关闭',
  MEMBER_UNKNOWN: '找不到该会员',
  MEMBER_NOT_RECOGNISED: '无法识别的会员手机号或会员码',
  MEMBER_INDEX_KEY_MISSING: '本收银台没有会员索引密钥，不能按手机号查找：请扫描会员码',
  PHONE_INVALID: '手机号无效',
  CART_EMPTY: '购物车是空的',
  NOT_PAID: '尚未付清，请添加其他付款方式',
  POINTS_NEED_MEMBER: '积分抵扣需要先添加会员',
  MONEY_INVALID: '金额无效',
  ALLOCATION_INVALID: '金额分摊无效',
  // Coupons
  COUPON_INVALID: '优惠券无效',
  COUPON_UNKNOWN: '找不到该优惠券',
  COUPON_USED: '优惠券已使用',
  COUPON_VOID: '优惠券已作废',
  COUPON_NOT_YET_VALID: '优惠券尚未生效',
  COUPON_EXPIRED: '优惠券已过期',
  COUPON_NOT_HERE: '优惠券不适用于本店',
  COUPON_OTHER_MEMBER: '优惠券属于其他会员',
  COUPON_ALREADY_IN_CART: '优惠券已在购物车中',
  COUPON_NOT_COMBINABLE: '优惠券不能与其他优惠券同时使用',
  COUPON_NO_ITEMS: '购物车中没有适用该优惠券的商品',
  COUPON_MIN_SPEND: '未达到优惠券的最低消费',
  // Tenders and points
  TENDER_INVALID: '付款无效',
  TENDER_OVER: '刷卡、移动支付和积分不能超过应付金额',
  TOTAL_INVALID: '合计金额无效',
  POINTS_INVALID: '积分数无效',
  POINTS_BELOW_MINIMUM: '积分低于最低使用数量',
  POINTS_INSUFFICIENT: '会员积分不足',
  POINTS_OVER_LIMIT: '积分抵扣超过允许的比例',
  // Returns
  RETURN_EMPTY: '请至少选择一件退货商品',
  RETURN_LINE_UNKNOWN: '原单中没有这件商品',
  RETURN_QUANTITY_INVALID: '退货数量必须是至少 1 的整数',
  RETURN_EXCEEDS_SOLD: '退货数量超过了售出数量',
  RETURN_EPC_INVALID: '退货的 RFID 标签不是这一行售出的，或已退过',
  // The hub and its devices
  BAD_REQUEST: '打印内容有误，请联系技术支持',
  UNKNOWN_REQUEST: '设备服务不支持此操作，请更新',
  NO_PRINTER: '本收银台没有配置打印机',
  DEVICE_OFFLINE: '设备离线，请检查电源和连线',
  DEVICE_IO: '设备通信出错，请重试',
  PRINTER_NOT_READY: '打印机未就绪，请查看状态栏的提示',
  PRINT_QUEUED: '打印机未就绪，就绪后自动打印',
  HUB_INCOMPATIBLE: '设备服务版本不兼容，请更新',
  HUB_UNAVAILABLE: '设备服务不可用',
  HUB_DISCONNECTED: '与设备服务的连接中断，请重试',
  HUB_TIMEOUT: '设备服务没有响应，请重试',
  INTERNAL: '设备服务内部错误，请联系技术支持',
  // The app core
  CASH_SHORT: '实收现金少于应收 {amount}',
  CART_OPEN: '还有未结的销售：请先收款、挂单（F5）或删除商品，再交班',
  SALE_INVALID: '这笔销售无法记录，请联系技术支持',
  SALE_OTHER_STORE: '销售 {sale} 是其他门店的，请到该门店退货',
  SALE_NOT_FOUND: '本机和服务器上都没有销售 {sale}',
  SALE_LOOKUP_OFFLINE: '本收银台没有销售 {sale}，且同步服务器无法连接：请联网后再试',
  NOT_A_RECEIPT_CODE: '{code} 不是小票码',
  RETURN_INVALID: '这笔退货无法记录，请联系技术支持',
  CLOSE_INVALID: '交班无法记录，请联系技术支持',
  SIGN_IN_LOCKED: '密码错误次数过多，请 {seconds} 秒后再试',
  PIN_WRONG: '员工号或密码不正确',
  NOT_SIGNED_IN: '请先登录',
  NO_SHIFT: '没有开班',
  CART_UNKNOWN: '该挂单已不存在',
  MEMBER_MISSING: '请先添加会员',
  POINTS_NOT_ACCEPTED: '本店不支持积分抵扣',
  STOCK_INVALID: '库存数据无效',
  FAILED: '操作失败',
  MEMBER_ATTACHED: '会员 {name}',
  MEMBER_RECORDED_ON_SALE: '本机没有会员 {phone}：已记录在销售单上，上传后由服务器关联',
  MEMBER_NOT_ON_TERMINAL: '本机没有会员 {id}：销售单记录会员号',
  COUPON_ADDED: '优惠券 {name}',
  CART_SUSPENDED: '已挂单（{lines} 行）',
  NO_SALE_OPENED: '已开钱箱（无销售），授权人 {name}',
  CONSENT_NEEDS_MEMBER: '本机不认识会员 {phone}，无法获取授权链接',
  CONSENT_OFFLINE: '无法连接服务器，授权二维码需要联网，请联网后再试',
  CONSENT_MEMBER_UNKNOWN: '服务器没有会员 {id}，无法打印授权二维码',
  CONSENT_REFUSED: '服务器拒绝为该会员生成授权链接',
  CONSENT_SLIP_PRINTED: '授权二维码已打印：请会员用自己的手机扫码选择',
  TAKE_NOW_INVALID: '这张导购单码无法读取，请导购重新生成',
  TAKE_NOW_ADDED: '导购单（{clerk}）：已加入 {units} 件',
  TAKE_NOW_OTHER_STORE: '这是 {store} 店的导购单，本收银台属于 {till} 店',
  TAKE_NOW_IN_CART: '这张导购单已在购物车中',
  TAKE_NOW_ANOTHER_IN_CART: '购物车中已有另一张导购单：请先收款，再扫描这一张',
  TAKE_NOW_SOLD: '这张导购单已于 {at} 在本收银台结账',
  TAKE_NOW_SKU_UNKNOWN: '本收银台没有导购单中的商品 {sku}，未加入任何商品',
  RFID_ADDED: 'RFID：已加入 {units} 件',
  RFID_SOLD: '已售出，不能再卖：{items}',
  RFID_NOT_TRADE_ITEM: '不是商品的 RFID 标签：{epcs}',
  RFID_UNKNOWN_PRODUCT: '标签对应的商品不在本机目录中：{epcs}',
  RFID_WEIGHED: '称重商品不能用 RFID 结账，请扫描秤签：{items}',
  RFID_NOT_SELLABLE: '不能销售：{items}',
  PICKUP_NO_STORE_KEY: '本收银台没有取货码密钥：请扫描顾客的取货二维码',
  PICKUP_LOCKED: '取货码错误次数过多，输入已锁定至 {until}：请扫描顾客的取货二维码',
  PICKUP_CODE_FORMAT: '取货码是 6 位数字：请核对后重新输入',
  PICKUP_CODE_UNKNOWN: '本店没有取货码为 {code} 的待取订单：请与顾客核对（还可尝试 {left} 次）',
  PICKUP_CODE_AMBIGUOUS: '该取货码对应多个订单：请扫描订单二维码',
  PICKUP_WRONG_STORE: '该订单在门店 {store} 自提，不在本店：请告知顾客前往该门店',
  PICKUP_ORDER_NOT_HERE: '订单 {order} 还未同步到本收银台：请稍候同步，或检查网络',
  PICKUP_NOT_PAID: '订单 {order} 未付款：请先在此收款',
  PICKUP_ALL_COLLECTED: '订单 {order} 已全部取走',
  PICKUP_CLOSED: '订单 {order} 已关闭，无可交付商品',
  PICKUP_NOTHING_CHOSEN: '请先选择要交付的数量',
  PICKUP_INVALID: '这次交付无法记录，请联系技术支持',
  PICKUP_HANDED_OVER: '已交付订单 {order} 的 {units} 件商品',
  PICKUP_NO_SLIP: '尚未交付，没有自提单可打印',
  NOT_A_PICKUP_CODE: '{code} 不是取货码或取货二维码',
  NOT_AN_ORDER_CODE: '{code} 不是订单二维码',
  ORDER_HOLD_EXPIRED: '订单 {order} 的保留已过期：商品不再保留，请按新销售结账',
  ORDER_ALREADY_PAID: '订单 {order} 已付款',
  ORDER_PAID_HERE: '订单 {order} 已在本店收款 {amount}',
  ORDER_PAYMENT_INVALID: '这笔付款无法记录，请联系技术支持',
  ORDER_ALREADY_HANDED_OVER: '这些商品已交付过，不能重复交付',
  ORDER_PICKUP_EXCEEDS_ORDERED: '交付数量超过了订购数量',
  ORDER_TRANSITION_REFUSED: '订单当前状态不允许此操作',
  ORDER_WRONG_STORE: '该订单商品不在本店自提',
  ORDER_NOT_FOUND: '本机和服务器上都没有订单 {order}',
  ORDER_LOOKUP_REFUSED: '服务器不允许本收银台查看订单 {order}：请到下单门店办理',
  ORDER_LOOKUP_OFFLINE: '本收银台没有订单 {order}，且无法连接服务器：退货需要联网，请联网后再试',
  ORDER_NOTHING_TO_RETURN: '订单 {order} 没有可退的商品（尚未交付或已全部退回）',
  ORDER_RETURN_NOTHING_CHOSEN: '请先选择要退的数量',
  ORDER_RETURN_EXCEEDS_HANDED_OVER: '退货数量超过了已交付的数量',
  ORDER_RETURN_INVALID: '这笔退货无法记录，请联系技术支持',
  ORDER_REFUND_CASH: '请从钱箱退现金 {amount}',
  ORDER_REFUND_ORIGINAL: '退款 {amount} 将原路退回顾客的支付账户',
  SHIPMENT_WRONG_STORE: '这个包裹不由本店发货',
  SHIPMENT_CLOSED: '这个包裹已打包、已交快递或已取消，不能再拣货',
  SHIPMENT_LINE_UNKNOWN: '包裹里没有这一行商品',
  SHIPMENT_EXCEEDS_LINE: '数量超过了这一行剩余待拣的数量',
  SHIPMENT_NOT_READY: '还有商品未拣或未报缺货，不能打包',
  SHIPMENT_NOT_PACKED: '请先打包',
  SHIPMENT_NO_LABEL: '请先打印面单，再交给快递员',
  FULFILMENT_FACT_INVALID: '这一步无法记录，请联系技术支持',
  FULFILMENT_NO_PARCEL: '请先打开一个包裹',
  FULFILMENT_INVALID: '这一步无法记录，请联系技术支持',
  SHIPMENT_NOT_HERE: '包裹 {parcel} 还未同步到本收银台：请稍候同步',
  SHIPMENT_NO_ADDRESS: '包裹 {parcel} 还没有收件地址：请稍候同步',
  SCAN_EMPTY: '没有扫描到内容',
  PICK_UNKNOWN_CODE: '{code} 不是商品目录中的商品',
  PICK_NOT_IN_PARCEL: '{name} 不在这个包裹里：请放回',
  PICK_ALREADY_ENOUGH: '{name} 已拣够 {n} 件：请把这件放回',
  PICK_NOTHING_LEFT: '包裹 {parcel} 已没有待拣商品：请把 {name} 放回',
  PICK_TAG_COUNTED: '这个标签已经计过数',
  PICKED: '已拣 {name}',
  SHORT_REASON: '请选择缺货原因',
  SHORT_QUANTITY: '缺货数量须为至少 1 的整数',
  SHORT_REPORTED: '{name} 缺货 {n} 件已上报：将改由其他门店发货',
  SHORT_PARCEL_CANCELLED:
    '{name} 缺货 {n} 件已上报：本店已无可发商品，包裹已取消，商品将改由其他门店发货',
  PACK_WEIGHT: '重量须为 1 至 1,000,000 的整数克，或不填',
  PACKED: '包裹 {parcel} 已打包',
  NO_LABEL_PRINTER: '没有面单打印机：本收银台无法打印快递面单，请到有面单打印机的收银台打印',
  LABEL_PRINTED: '面单已打印：{carrier} {trackingNo}',
  LABEL_QUEUED: '面单打印机未就绪，就绪后自动打印',
  HANDOVER_NO_COURIER: '请输入快递员姓名或工号',
  HANDED_TO_COURIER: '包裹 {parcel} 已交给 {courier}：{carrier} {trackingNo}',
};

/** Device problems by code: what is wrong and what to do. */
const ZH_PROBLEMS: Record<DeviceProblemCode, { message: string; action: string }> = {
  PAPER_OUT: { message: '打印机缺纸', action: '装入新纸卷并合上盖子，然后重新打印。' },
  COVER_OPEN: { message: '打印机盖子未合上', action: '合上打印机盖子，然后重新打印。' },
  CUTTER_ERROR: { message: '打印机切刀卡纸', action: '打开盖子，清除切刀处的纸，再合上。' },
  PRINTER_ERROR: { message: '打印机故障', action: '关闭打印机再打开；如仍有问题请联系技术支持。' },
  PRINTER_OFFLINE: { message: '打印机离线', action: '检查打印机电源已打开、盖子已合上。' },
  PAPER_LOW: { message: '打印纸即将用完', action: '请准备新纸卷。' },
  DRAWER_OPEN: { message: '钱箱未关', action: '请关上钱箱。' },
  NO_STATUS: { message: '打印机不回应状态查询', action: '检查连线；有些打印机和线缆只能接收。' },
};

/**
 * A message in the screen's language: in Chinese, by its code (with what was
 * being done, when given); a message without a code by its English words;
 * anything unknown in English.
 */
export function messageText(language: Language, message: ScreenMessage): string {
  if (language !== 'zh-CN') return message.text;
  if (message.code === undefined) return ZH[message.text] ?? message.text;
  const template = (ZH_CODES as Record<string, string | undefined>)[message.code];
  if (message.code === 'FAILED') {
    // An error without a code of its own: what was being done, then its words.
    const { context, text } = message;
    if (!context || !text.startsWith(`${context}: `)) return ZH[text] ?? text;
    return `${translate(language, context)}：${text.slice(context.length + 2)}`;
  }
  if (template === undefined) return ZH[message.text] ?? message.text;
  const words = fill(template, message.params);
  return message.context ? `${translate(language, message.context)}：${words}` : words;
}

/** A template's `{name}` places filled from the message's params. */
function fill(template: string, params: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => params[name] ?? whole);
}

/** A device problem in the screen's language: what is wrong, and what to do. */
export function problemText(language: Language, problem: DeviceProblem): string {
  const zh =
    language === 'zh-CN'
      ? (ZH_PROBLEMS as Record<string, { message: string; action: string } | undefined>)[
          problem.code
        ]
      : undefined;
  return zh ? `${zh.message}。${zh.action}` : `${problem.message}. ${problem.action}`;
}

/** A device that is not ready, in the screen's language (the hub's words when it has no code). */
export function deviceStateText(language: Language, device: DeviceStatus): string {
  if (language !== 'zh-CN') return device.message ?? device.state;
  return ZH[device.state] ?? device.message ?? device.state;
}

/**
 * An app's phrase book: `say(language, text, values)` gives `text` (the
 * English words, which are the keys) in the language from the app's tables,
 * with its `{name}` places filled from `values`; a text not in the table is
 * shown as it is.
 */
export function phraseBook(
  zh: Readonly<Record<string, string>>,
  en: Readonly<Record<string, string>> = {},
): (language: Language, text: string, values?: Record<string, string | number>) => string {
  return (language, text, values = {}) => {
    const words = language === 'zh-CN' ? (zh[text] ?? text) : (en[text] ?? text);
    return words.replace(/\{(\w+)\}/g, (whole, name: string) =>
      name in values ? String(values[name]) : whole,
    );
  };
}

export function translate(language: Language, text: string): string {
  return language === 'zh-CN' ? (ZH[text] ?? text) : text;
}
