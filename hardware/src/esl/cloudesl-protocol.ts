/**
 * The wire shapes of Alibaba Cloud's 云价签 CloudEsl API (version
 * 2020-02-01, RPC style: `POST /?Action=<Name>` with the parameters form
 * encoded, list items as `ItemInfo.N.Field`), as its API reference
 * documents them; what the reference does not say is marked "assumed" (see
 * README.md in this folder). Shared by the driver and the gateway simulator.
 * See SPEC.md [EG1]-[EG10].
 */

export const CLOUDESL_VERSION = '2020-02-01';

/** [EG2] BatchInsertItems takes at most this many items per call. */
export const BATCH_INSERT_MAX = 100;
/** DescribeEslDevices: the page size the driver asks for (assumed maximum). */
export const DESCRIBE_PAGE_SIZE = 100;

/** Every answer's common fields. */
export type CloudEslAnswer = {
  RequestId: string;
  Success: boolean;
  Code?: string;
  Message?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
  DynamicCode?: string;
  DynamicMessage?: string;
};

/** One item of BatchInsertItems (the fields this product uses). */
export type ItemInfo = {
  ItemBarCode: string;
  /** Digits only (the reference: "只允许输入构成整数的阿拉伯数字"). */
  ItemId: string;
  ItemTitle: string;
  /** The actual selling price, fen. */
  ActionPrice: number;
  PriceUnit: string;
  /** The regular price shown struck through, fen. */
  OriginalPrice?: number;
  BePromotion?: boolean;
  PromotionText?: string;
  /** The online offer line. */
  CustomizeFeatureA?: string;
  /** The content hash the label must draw (how results are matched: assumed use). */
  CustomizeFeatureB?: string;
};

export type BatchInsertItemsAnswer = CloudEslAnswer & {
  BatchResults?: { Index: number; Success: boolean; ErrorCode?: string; Message?: string }[];
};

export type EslStatus = 'ESL_STATUS_ONLINE' | 'ESL_STATUS_OFFLINE' | 'ESL_STATUS_UNBIND';

/** One label of DescribeEslDevices. */
export type EslDeviceInfo = {
  EslBarCode: string;
  StoreId: string;
  EslStatus: EslStatus;
  BatteryLevel: number;
  EslSignal: number;
  LastCommunicateTime: string | null;
  Mac: string;
  Model: string;
  Type: 'ESL_TYPE_E_INK';
  /** The item bound (as DescribeBinders answers; carried here: assumed). */
  ItemBarCode?: string;
  /** The last refresh's outcome and the content hash drawn (assumed fields, see README). */
  LastPushStatus?: 'PENDING' | 'SUCCESS' | 'FAILED';
  LastPushHash?: string;
  LastPushError?: string;
};

export type DescribeEslDevicesAnswer = CloudEslAnswer & {
  EslDevices: EslDeviceInfo[];
  PageNumber: number;
  PageSize: number;
  TotalCount: number;
};

export type ApInfo = {
  Mac: string;
  StoreId: string;
  Status: boolean;
  BeActivate: boolean;
  Model: string;
};
export type DescribeApDevicesAnswer = CloudEslAnswer & {
  ApDevices: ApInfo[];
  PageNumber: number;
  PageSize: number;
  TotalCount: number;
};

/** [EG1] Form-encodes an action's parameters; lists become `Name.N.Field` (N from 1). */
export function encodeParams(action: string, params: Record<string, unknown>): URLSearchParams {
  const form = new URLSearchParams({ Action: action, Version: CLOUDESL_VERSION });
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) {
      value.forEach((entry: Record<string, unknown>, i) => {
        for (const [field, v] of Object.entries(entry)) {
          if (v !== undefined && v !== null) form.set(`${name}.${i + 1}.${field}`, String(v));
        }
      });
    } else {
      form.set(name, String(value));
    }
  }
  return form;
}

/** [EG1] The `Name.N.Field` lists of a form back as arrays (N from 1, at most `max` entries). */
export function decodeList(
  form: URLSearchParams,
  name: string,
  max: number,
): Record<string, string>[] | { error: string } {
  const out: Record<string, string>[] = [];
  const pattern = new RegExp(`^${name}\\.(\\d{1,4})\\.([A-Za-z]{1,40})$`);
  for (const [key, value] of form) {
    const m = pattern.exec(key);
    if (!m) continue;
    const n = Number(m[1]);
    if (n < 1 || n > max) return { error: `${name}.N: N must be from 1 to ${max}` };
    (out[n - 1] ??= {})[m[2]!] = value;
  }
  for (let i = 0; i < out.length; i++) {
    if (!out[i]) return { error: `${name}.${i + 1} is missing` };
  }
  return out;
}
