/**
 * The customer's address book in the shop ([SHP14]-[SHP16]): delivery
 * addresses kept on the server only, the personal part (recipient, phone,
 * street) sealed like members' personal data ([PK1]: AES-256-GCM under a
 * data key wrapped by the master key), the routing part (whose, the district,
 * its point) in the clear. The order center reads them through
 * `sealedAddressBook` as `ShipAddress`es with the waybill's masked recipient.
 */
import { randomUUID } from 'node:crypto';
import {
  isAddressRegion,
  maskName,
  maskPhone,
  normalisePhone,
  regionLabel,
  regionPoint,
  type GeoPoint,
} from '@pos/domain';
import type { Kms } from '../pii/keyring';
import { openPersonalData, sealPersonalData, type SealedPii } from '../pii/member-vault';
import { SyncError, type JsonObject } from '../protocol';
import type { SyncStorage } from '../storage/storage';
import { ADDRESSES_DB, type AddressBook, type ShipAddress } from '../orders/addresses';
import type { DocReader } from '../orders/store-orders';
import type { CustomerSession } from './customer-auth';

/** [SHP14] Most addresses one customer keeps. */
export const ADDRESSES_MAX = 20;
export const DETAIL_MAX = 120;
export const NAME_MAX = 40;

/** [SHP14] What the customer types: the recipient, their mobile, the street address. */
type AddressPii = { name: string; phone: string; detail: string };

/** [SHP14] An address as stored: routing fields in the clear, the rest sealed under the address id. */
export type StoredAddress = {
  id: string;
  customerKey: string;
  regionCode: string;
  point: GeoPoint;
  createdAt: string;
  sealed: SealedPii;
};

/** [SHP15] A removed address: nothing personal left. */
type RemovedAddress = { id: string; customerKey: string; removedAt: string };

/** [SHP14] An address as its customer sees it. */
export type AddressView = {
  id: string;
  regionCode: string;
  region: { zh: string; en: string };
  maskedName: string;
  maskedPhone: string;
  detail: string;
};

const bad = (reason: string) => new SyncError('bad_request', reason);
const ADDRESS_ID = /^addr-[0-9a-f-]{36}$/;
/** A control character (a line break, a tab, a NUL…) in one-line text. */
const CONTROL = /\p{Cc}/u;

/** The key an address and an order of this customer are filed under: the member, else the phone index. */
export const customerKeyOf = (customer: CustomerSession) =>
  customer.memberId ?? customer.phoneIndex;
const isOwn = (customerKey: string, customer: CustomerSession) =>
  customerKey === customer.phoneIndex ||
  (customer.memberId !== undefined && customerKey === customer.memberId);

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string') throw bad(`${field} must be text of 1 to ${max} characters`);
  const trimmed = value.trim();
  const length = Array.from(trimmed).length;
  if (length < 1 || length > max || CONTROL.test(trimmed)) {
    throw bad(`${field} must be text of 1 to ${max} characters`);
  }
  return trimmed;
}

/** [SHP14] The body of `POST /_shop/addresses`: a known address region, the street, the recipient, a mainland mobile. */
export function parseAddress(body: unknown): { regionCode: string } & AddressPii {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw bad('send {regionCode, detail, name, phone}');
  }
  const { regionCode, detail, name, phone } = body as Record<string, unknown>;
  if (typeof regionCode !== 'string' || !isAddressRegion(regionCode)) {
    throw bad('regionCode must be a district (or a city without districts) of the region table');
  }
  const mobile = normalisePhone(phone);
  if (!mobile.ok) throw bad('phone must be a mainland mobile number (11 digits starting with 1)');
  return {
    regionCode,
    detail: text(detail, 'detail', DETAIL_MAX),
    name: text(name, 'name', NAME_MAX),
    phone: mobile.phone,
  };
}

async function rowsOf(storage: SyncStorage, customer: CustomerSession) {
  const keys = [customer.phoneIndex, ...(customer.memberId ? [customer.memberId] : [])];
  const rows = (
    await Promise.all(
      keys.map((customerKey) => storage.findDocs(ADDRESSES_DB, { fields: { customerKey } })),
    )
  ).flat();
  return rows
    .map((row) => row.body as unknown as StoredAddress | RemovedAddress)
    .filter((a): a is StoredAddress => 'sealed' in a)
    .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
}

/** [SHP14] An address as its customer sees it. */
export async function addressView(kms: Kms, address: StoredAddress): Promise<AddressView> {
  const pii = await openPersonalData<AddressPii>(kms, address.sealed);
  return {
    id: address.id,
    regionCode: address.regionCode,
    region: {
      zh: regionLabel(address.regionCode, 'zh'),
      en: regionLabel(address.regionCode, 'en'),
    },
    maskedName: maskName(pii.name),
    maskedPhone: maskPhone(pii.phone),
    detail: pii.detail,
  };
}

/** [SHP14] The customer's addresses, oldest first. */
export async function listAddresses(
  storage: SyncStorage,
  kms: Kms,
  customer: CustomerSession,
): Promise<AddressView[]> {
  return Promise.all((await rowsOf(storage, customer)).map((a) => addressView(kms, a)));
}

/** [SHP14] Adds an address to the customer's book. */
export async function addAddress(
  storage: SyncStorage,
  kms: Kms,
  customer: CustomerSession,
  input: { regionCode: string } & AddressPii,
  now: string,
): Promise<AddressView> {
  if ((await rowsOf(storage, customer)).length >= ADDRESSES_MAX) {
    throw new SyncError('conflict', `an address book keeps at most ${ADDRESSES_MAX} addresses`);
  }
  const id = `addr-${randomUUID()}`;
  const { regionCode, ...pii } = input;
  const address: StoredAddress = {
    id,
    customerKey: customerKeyOf(customer),
    regionCode,
    point: regionPoint(regionCode)!,
    createdAt: now,
    sealed: await sealPersonalData(kms, id, pii),
  };
  await storage.transaction(async (tx) => {
    const written = await tx.put({
      db: ADDRESSES_DB,
      id,
      body: address as unknown as JsonObject,
      storeId: null,
      expectedRev: null,
    });
    if (!written.ok) throw new Error(`address ${id}: ${written.reason}`);
  });
  return addressView(kms, address);
}

/** [SHP15] The customer's own address, or 404: another's is not told apart from none. */
export async function ownAddress(
  reader: DocReader,
  customer: CustomerSession,
  id: string,
): Promise<StoredAddress> {
  const row = ADDRESS_ID.test(id) ? (await reader.getDocs(ADDRESSES_DB, [id])).get(id) : undefined;
  const address = row?.body as unknown as StoredAddress | RemovedAddress | undefined;
  if (!address || !('sealed' in address) || !isOwn(address.customerKey, customer)) {
    throw new SyncError('not_found', `no address ${id.slice(0, 60)} of yours`);
  }
  return address;
}

/** [SHP15] Removes the customer's address: its sealed part is dropped, orders placed to it keep their waybill. */
export async function removeAddress(
  storage: SyncStorage,
  customer: CustomerSession,
  id: string,
  now: string,
): Promise<void> {
  await storage.transaction(async (tx) => {
    const address = await ownAddress(tx, customer, id);
    const row = (await tx.getDocs(ADDRESSES_DB, [id])).get(id)!;
    const removed: RemovedAddress = { id, customerKey: address.customerKey, removedAt: now };
    const written = await tx.put({
      db: ADDRESSES_DB,
      id,
      body: removed as unknown as JsonObject,
      storeId: null,
      expectedRev: row.rev,
    });
    if (!written.ok) throw new SyncError('conflict', `address ${id} changed meanwhile`);
  });
}

/**
 * [SHP16] The address book the order center routes with: the address's
 * point and region, and the waybill's recipient masked (张*, 138****5678)
 * with the street the courier needs. A removed or unknown address is null;
 * one written as a plain `ShipAddress` (imports, tests) reads as it is.
 */
export function sealedAddressBook(kms: Kms): AddressBook {
  return {
    async forRouting(reader, addressId) {
      const row = (await reader.getDocs(ADDRESSES_DB, [addressId])).get(addressId);
      const address = row?.body as unknown as
        StoredAddress | RemovedAddress | ShipAddress | undefined;
      // An address written as it is (`writePlainAddress`: imports, tests) reads as it is.
      if (address && 'shipTo' in address) return address;
      if (!address || !('sealed' in address)) return null;
      const pii = await openPersonalData<AddressPii>(kms, address.sealed);
      const ship: ShipAddress = {
        id: address.id,
        customerKey: address.customerKey,
        regionCode: address.regionCode,
        point: address.point,
        shipTo: {
          name: maskName(pii.name),
          phone: maskPhone(pii.phone),
          region: regionLabel(address.regionCode, 'zh'),
          detail: pii.detail,
        },
      };
      return ship;
    },
  };
}
