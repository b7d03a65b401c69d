/**
 * The wire contract of the HQ console's endpoints (`/_console/…`), the
 * stores' transfer endpoints (`/_transfers/…`) and the shelf-label
 * service's endpoints (`/_esl/…`): shared by the server that answers and the
 * console, tablet and services that ask. Types only; the rules behind them
 * are in the domain modules named beside each type and in sync-server/SPEC.md.
 *
 * Amounts are integer fen. Instants are ISO-8601 UTC strings. Days are the
 * stores' calendar days (`YYYY-MM-DD`, [LOC2]'s UTC offset). Every list an
 * endpoint returns is limited to the stores the caller may see ([UA3]); a
 * store the caller may not see is answered 404, never 403, so that its
 * existence does not leak.
 */

// ---------------------------------------------------------------------------
// People and roles (console-roles.ts, [UA1]-[UA12])
// ---------------------------------------------------------------------------

/** [UA1] The console's roles. */
export const CONSOLE_ROLES = ['hq-admin', 'regional-manager', 'store-manager', 'analyst'] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

/** [UA2] What a role may do; `console-roles.ts` says which role has which. */
export const CONSOLE_PERMISSIONS = [
  /** Dashboards, tables and their CSV exports. */
  'dashboards:read',
  /** Record an exception's resolution. */
  'exceptions:resolve',
  /** Safety stock, transfers, deliveries. */
  'inventory:edit',
  /** Bind labels, push labels. */
  'labels:edit',
  /** Change a price (and so the shelf labels). */
  'prices:edit',
  /** Create users, change roles and stores, disable, reset passwords. */
  'users:manage',
] as const;
export type ConsolePermission = (typeof CONSOLE_PERMISSIONS)[number];

/** A console user as the API shows it (never a password hash or a TOTP secret). */
export type ConsoleUserView = {
  id: string;
  /** Sign-in name, lower case, unique. */
  name: string;
  displayName: string;
  role: ConsoleRole;
  /** [UA3] The stores a regional or store manager sees; `'all'` for HQ admins and analysts. */
  stores: 'all' | string[];
  totpEnabled: boolean;
  disabled: boolean;
  createdAt: string;
  lastSignInAt?: string;
};

/** `POST /_console/session`: sign in. 401 for a wrong name, password or code, in one wording. */
export type SignInRequest = { name: string; password: string; totp?: string };
export type SignInAnswer =
  | {
      ok: true;
      token: string;
      expiresAt: string;
      user: ConsoleUserView;
      permissions: ConsolePermission[];
    }
  /** The password was right and the user has TOTP: ask for the code and send all three again. */
  | { ok: false; totpRequired: true };
/** `GET /_console/session` (Bearer session token): who is signed in. `DELETE` signs out. */
export type SessionAnswer = {
  user: ConsoleUserView;
  permissions: ConsolePermission[];
  expiresAt: string;
  /** The stores the user may see, with names, for pickers. */
  stores: { id: string; name: string }[];
};
/** `POST /_console/session/totp`: start TOTP for the signed-in user; confirmed by `…/totp/confirm` {code}. */
export type TotpSetupAnswer = { secret: string; otpauthUrl: string };
/** `GET /_console/users`, `POST /_console/users` (create), `PATCH /_console/users/<id>` (users:manage). */
export type CreateUserRequest = {
  name: string;
  displayName: string;
  role: ConsoleRole;
  stores: 'all' | string[];
  password: string;
};
export type UpdateUserRequest = Partial<{
  displayName: string;
  role: ConsoleRole;
  stores: 'all' | string[];
  disabled: boolean;
  password: string;
}>;

// ---------------------------------------------------------------------------
// Dashboards (rollups.ts, [RU1]-[RU12]); every one is `GET`, `dashboards:read`
// ---------------------------------------------------------------------------

/** Query of every dashboard: `from`/`to` instants (`to` exclusive), optional `store`. */
export type DashboardQuery = { from: string; to: string; store?: string };

/** How fresh a read model is: the last fact applied and how long after it arrived. */
export type Freshness = {
  /** When the newest fact the rollups hold was received by the server. */
  appliedThrough: string | null;
  /** Facts received but not yet in the rollups. */
  behind: number;
  /** When this answer was made. */
  at: string;
};

/**
 * `GET /_console/dashboard/sales?from&to[&store][&channel][&bucket=hour|day][&group=store|chain]`:
 * `bucket` defaults to hours up to 31 days, days beyond; `group=chain` gives one
 * row per channel and bucket summed over the stores (`storeId: '*'`), `byStore` still per store.
 */
export type SalesRow = {
  /** The store, or `'*'` for rows summed over the stores (`group=chain`). */
  storeId: string;
  channel: string;
  /** Start of the hour or day (an instant). */
  bucket: string;
  sales: number;
  returns: number;
  /** Net of sales less refunds, fen. */
  netFen: number;
  units: number;
};
export type SalesDashboard = {
  rows: SalesRow[];
  totals: { sales: number; returns: number; netFen: number; units: number };
  byStore: { storeId: string; sales: number; netFen: number }[];
  byChannel: { channel: string; sales: number; netFen: number }[];
  freshness: Freshness;
};

/** `GET /_console/dashboard/bopis?from&to[&store]`: orders for pickup, by store. */
export type BopisRow = {
  storeId: string;
  orders: number;
  /** Holds open now. */
  holdsOpen: number;
  ready: number;
  /** Minutes from paid to ready: median and 90th percentile (null: none ready). */
  readyMinutesP50: number | null;
  readyMinutesP90: number | null;
  pickedUp: number;
  pickedUpOnTime: number;
  noShows: number;
};
export type BopisDashboard = { rows: BopisRow[]; freshness: Freshness };

/** `GET /_console/dashboard/clerks?from&to[&store]`: each clerk's credited sales and commission. */
export type ClerkRow = {
  storeId: string;
  staffId: string;
  staffName: string;
  lines: number;
  creditedNetFen: number;
  commissionFen: number;
};
export type ClerksDashboard = { rows: ClerkRow[]; freshness: Freshness };

/** `GET /_console/dashboard/devices[?store]`: each device's sync health. */
export type DeviceHealthRow = {
  deviceId: string;
  storeId: string;
  lastPullAt: string | null;
  lastPushAt: string | null;
  /** Facts the device says it still has to send (its last report). */
  factsWaiting: number | null;
  appVersion: string | null;
  /** Refused documents and failed requests in the last 24 h. */
  errors24h: number;
  lastError: string | null;
  /** ok: synced in the last 5 min; late: within the last hour; silent: longer or never. */
  status: 'ok' | 'late' | 'silent';
};
export type DevicesDashboard = { rows: DeviceHealthRow[]; at: string };

/** `GET /_console/dashboard/exceptions?from&to[&store]`: counts by kind and store. */
export type ExceptionCountRow = {
  kind: string;
  storeId: string | null;
  open: number;
  resolved: number;
};
export type ExceptionsDashboard = { rows: ExceptionCountRow[] };

/** `GET /_console/dashboard/tryons?from&to[&store]`: the try-on conversion report ([RI6]), scoped. */

// ---------------------------------------------------------------------------
// Exception review ([XR1]-[XR5]; the server's [XS1]-[XS6])
// ---------------------------------------------------------------------------

/** The kinds the review groups exceptions into; each server exception kind maps to one. */
export const REVIEW_GROUPS = [
  'oversell',
  'coupon-twice',
  'points-write-off',
  'duplicate-pickup',
  'unknown-member',
  'other',
] as const;
export type ReviewGroup = (typeof REVIEW_GROUPS)[number];

export const RESOLUTION_ACTIONS = [
  /** The figures stand as recorded (e.g. a write-off accepted). */
  'accepted',
  /** Put right elsewhere (a stock count, a manual refund, a member merged); the note says how. */
  'corrected',
  /** Passed on to someone else; stays open. */
  'escalated',
  /** Not a problem after all. */
  'dismissed',
] as const;
export type ResolutionAction = (typeof RESOLUTION_ACTIONS)[number];

export type Resolution = {
  id: string;
  exceptionId: string;
  action: ResolutionAction;
  note: string;
  userId: string;
  userName: string;
  at: string;
};

/** One exception as the review lists it. */
export type ExceptionView = {
  id: string;
  kind: string;
  group: ReviewGroup;
  storeId: string | null;
  factDb: string;
  factId: string;
  details: Record<string, unknown>;
  receivedAt: string;
  /** open until a resolution other than `escalated` is recorded. */
  status: 'open' | 'resolved';
  lastResolution?: Resolution;
};
/** `GET /_console/exceptions?status=open|resolved|all[&group][&store][&before=<receivedAt>][&limit]`, newest first. */
export type ExceptionList = { exceptions: ExceptionView[]; more: boolean };
/** `GET /_console/exceptions/<id>`: the exception, the facts behind it (masked), its resolutions. */
export type ExceptionDetail = {
  exception: ExceptionView;
  facts: { db: string; id: string; body: Record<string, unknown> }[];
  resolutions: Resolution[];
};
/** `POST /_console/exceptions/<id>/resolutions` (exceptions:resolve); 201 with the Resolution. */
export type ResolveRequest = { action: ResolutionAction; note: string };

// ---------------------------------------------------------------------------
// Inventory: safety stock, alerts, replenishment (replenishment.ts, [RN1]-[RN14])
// ---------------------------------------------------------------------------

export type SafetyStockSource = 'manual' | 'import' | 'demand';
export type SafetyStockRow = {
  storeId: string;
  sku: string;
  /** Units kept back from ATP ([ATP1]). */
  safetyStock: number;
  /** [RN2] An alert is raised when ATP falls to this (>= 0). */
  reorderPoint: number;
  /** Min/max replenishment's max (order up to); null: use the reorder point method. */
  maxStock: number | null;
  /** Lead time of supply to this store, days. */
  leadTimeDays: number;
  /** Units per case; orders are multiples of it. */
  packSize: number;
  source: SafetyStockSource;
  updatedAt: string;
  updatedBy: string;
};
/** `GET /_console/safety-stock?store[&sku]`. */
export type SafetyStockList = { rows: SafetyStockRow[] };
/** `PUT /_console/safety-stock` (inventory:edit): set by hand, every row or none. */
export type SetSafetyStockRequest = {
  rows: Omit<SafetyStockRow, 'source' | 'updatedAt' | 'updatedBy'>[];
};
/**
 * `POST /_console/safety-stock/import` (inventory:edit), body text/csv with
 * columns store,sku,safety_stock,reorder_point[,max_stock,lead_time_days,pack_size]:
 * every row or none; a refusal names each bad line.
 */
export type SafetyStockImportAnswer =
  { ok: true; rows: number } | { ok: false; problems: { line: number; problem: string }[] };
/** `POST /_console/safety-stock/compute` (inventory:edit): from demand; `apply: false` previews. */
export type ComputeSafetyStockRequest = {
  store: string;
  skus?: string[];
  /** Days of sales history read. */
  windowDays: number;
  /** Service level in basis points (e.g. 9500 for 95 %). */
  serviceLevelBp: number;
  apply: boolean;
};
export type ComputedSafetyStock = {
  storeId: string;
  sku: string;
  safetyStock: number;
  reorderPoint: number;
  /** The arithmetic, one line each, e.g. "mean daily demand 3.2 over 28 days". */
  working: string[];
};
export type ComputeSafetyStockAnswer = { rows: ComputedSafetyStock[]; applied: boolean };

/** `GET /_console/alerts[?store]`: store-SKUs whose ATP is at or below the reorder point. */
export type StockAlert = {
  storeId: string;
  sku: string;
  name: string;
  onHand: number;
  atp: number;
  reorderPoint: number;
  safetyStock: number;
};
export type AlertList = { alerts: StockAlert[] };

/** One source a transfer may come from, as the suggestion explains it. */
export type TransferSource = {
  fromStore: string;
  quantity: number;
  distanceKm: number;
  /** The source's weeks of cover before and after giving these units. */
  weeksOfCoverBefore: number;
  weeksOfCoverAfter: number;
  /** Units sold per week at the source (slow sellers are taken first). */
  weeklySales: number;
};
/** `GET /_console/replenishment?store[&sku]`: what each alerting SKU needs, transfers first. */
export type ReplenishmentSuggestion = {
  storeId: string;
  sku: string;
  name: string;
  method: 'min-max' | 'reorder-point';
  /** Units needed to reach the target (before pack rounding). */
  need: number;
  transfers: TransferSource[];
  /** What transfers do not cover, rounded up to the pack size. */
  purchase: number;
  /** The arithmetic, one line each, in the order it was done. */
  working: string[];
};
export type ReplenishmentAnswer = { suggestions: ReplenishmentSuggestion[] };

// ---------------------------------------------------------------------------
// Transfers and deliveries (transfers.ts, [TF1]-[TF12])
// ---------------------------------------------------------------------------

export const TRANSFER_STATUSES = ['draft', 'ready', 'shipped', 'received', 'cancelled'] as const;
export type TransferStatus = (typeof TRANSFER_STATUSES)[number];
/** The steps a store's device confirms by scanning: the sender's two, then the receiver's. */
export type TransferStep = 'ready' | 'shipped' | 'received';

export type TransferLine = {
  sku: string;
  name: string;
  /** Asked for. */
  quantity: number;
  /** Scanned at each step (absent until that step). */
  picked?: number;
  shipped?: number;
  received?: number;
  /** [TF6] received − shipped, once received (0: exact). */
  discrepancy?: number;
  /** The tagged items scanned at the last step, when scanned by RFID. */
  epcs?: string[];
};

/**
 * A transfer between two stores, or (`kind: 'delivery'`) a supplier's
 * delivery to a store: created shipped, only received. Flows down to both
 * stores as a `storeState` document of kind `transfer` (id `transfer:<id>:<store>`).
 */
export type TransferOrder = {
  id: string;
  kind: 'transfer' | 'delivery';
  /** Sending store, or the supplier's name for a delivery. */
  from: string;
  to: string;
  status: TransferStatus;
  lines: TransferLine[];
  reason: string;
  createdAt: string;
  createdBy: string;
  /** When each step was confirmed, by whom and on which device. */
  steps: { step: TransferStep; at: string; staffId: string; deviceId: string; stepId: string }[];
};

/** `POST /_console/transfers` (inventory:edit): a draft; 201 with the TransferOrder. */
export type CreateTransferRequest = {
  from: string;
  to: string;
  lines: { sku: string; quantity: number }[];
  reason: string;
};
/** `POST /_console/deliveries` (inventory:edit): a supplier's delivery, shipped, to be received by scan. */
export type CreateDeliveryRequest = {
  supplier: string;
  to: string;
  lines: { sku: string; quantity: number }[];
  reference: string;
};
/** `GET /_console/transfers?[store][&status]`, `GET /_console/transfers/<id>`; `POST …/<id>/cancel` before shipped. */
export type TransferList = { transfers: TransferOrder[] };

/**
 * `POST /_transfers/<id>/steps` (a device of the store whose step it is;
 * Idempotency-Key = `stepId`; the same id with other content is 409):
 * what was scanned. A step out of order is 409 with the status it is in.
 */
export type TransferStepRequest = {
  stepId: string;
  step: TransferStep;
  /** Units scanned per SKU; barcodes and RFID reads already resolved to SKUs by the device. */
  lines: { sku: string; quantity: number; epcs?: string[] }[];
  staffId: string;
  at: string;
};
/** `GET /_transfers?[status]`: the device's store's transfers, in and out (also in storeState). */

// ---------------------------------------------------------------------------
// Electronic shelf labels (shelf-labels.ts, [EL1]-[EL12]; hardware esl/, [EG1]-[EG10])
// ---------------------------------------------------------------------------

/** What a label shows; its hash decides whether a push is needed. */
export type LabelContent = {
  sku: string;
  name: string;
  /** The price the till charges a walk-in customer now, fen. */
  priceFen: number;
  /** The regular price when a promotion lowers it (struck through), else null. */
  wasFen: number | null;
  /** The promotion's short text, e.g. "第二件半价 2nd half price", else null. */
  promo: string | null;
  /** Online offer shown on the label (e.g. "线上同价 Same price online"), else null. */
  online: string | null;
  currency: string;
  unit: string | null;
};

export type LabelAckStatus = 'pending' | 'acked' | 'failed';
/** One label as the console shows it. */
export type LabelView = {
  labelId: string;
  storeId: string;
  sku: string | null;
  /** What it should show now, and its hash. */
  desired: LabelContent | null;
  desiredHash: string | null;
  /** What the gateway last acknowledged it shows. */
  shownHash: string | null;
  shownPriceFen: number | null;
  status: LabelAckStatus | 'unbound';
  lastAckAt: string | null;
  lastError: string | null;
  batteryPct: number | null;
};
/** `GET /_console/labels?store[&status][&limit]`. */
export type LabelList = { labels: LabelView[]; counts: Record<LabelAckStatus | 'unbound', number> };
/** `POST /_console/labels/bindings` (labels:edit): bind labels to SKUs (rebinding moves a label). */
export type BindLabelsRequest = { storeId: string; bindings: { labelId: string; sku: string }[] };
/** `GET /_console/labels/pushes?store`: each push batch and how far it got. */
export type LabelPushView = {
  pushId: string;
  storeId: string;
  reason: string;
  effectiveAt: string;
  labels: number;
  acked: number;
  failed: number;
  startedAt: string | null;
  /** When 95 % of its labels were acknowledged (null: not yet). */
  ack95At: string | null;
};
/** `GET /_console/labels/integrity?store`: [EL10] labels whose shelf price differs from the till's. */
export type IntegrityMismatch = {
  storeId: string;
  labelId: string;
  sku: string;
  shelfFen: number | null;
  tillFen: number;
  reason: 'push-failed' | 'not-acknowledged' | 'content-differs';
  since: string;
};
export type IntegrityReport = { checked: number; mismatches: IntegrityMismatch[]; at: string };

/**
 * `POST /_console/prices` (prices:edit): a new price for a SKU on a price
 * list, in force from `effectiveAt` (now if absent), which the labels show from then.
 */
export type PriceChangeRequest = {
  priceList: string;
  sku: string;
  amountFen: number;
  effectiveAt?: string;
};
export type PriceChangeAnswer = { priceId: string; effectiveAt: string; labelsToPush: number };

/** `GET /_esl/work` (the store's shelf-label service): labels whose shown content is not the desired one. */
export type LabelWork = {
  storeId: string;
  items: { labelId: string; content: LabelContent; hash: string; pushId: string }[];
  at: string;
};
/** `POST /_esl/acks`: what the gateway answered, per label; replays are no-ops. */
export type LabelAck = {
  labelId: string;
  hash: string;
  pushId: string;
  status: 'acked' | 'failed';
  error?: string;
  batteryPct?: number;
  at: string;
};
export type LabelAckRequest = { acks: LabelAck[] };
