/**
 * Customers' delivery addresses as the order center needs them: where to
 * route from (coordinates, found from the region table), who the parcel is
 * for (masked, as the label prints it, [FS8]) and the street address the
 * courier needs. Stored server-side only (`_addresses`); the shop's address
 * book writes them. See SPEC.md [SHP13].
 */
import type { CollectionName, GeoPoint, ShipTo } from '@pos/domain';
import type { JsonObject } from '../protocol';
import type { WriteTransaction } from '../storage/storage';
import type { DocReader } from './store-orders';

/** [SHP13] Server-only: customers' delivery addresses, by address id. */
export const ADDRESSES_DB = '_addresses' as CollectionName;

/** An address as routing and the label need it. */
export type ShipAddress = {
  id: string;
  /** The member id or phone index of the customer whose address it is. */
  customerKey: string;
  /** The district's code in the region table. */
  regionCode: string;
  point: GeoPoint;
  shipTo: ShipTo;
};

/** How the order center reads an address (the shop's address book provides it). */
export type AddressBook = {
  forRouting(reader: DocReader, addressId: string): Promise<ShipAddress | null>;
};

/** The address book over `_addresses` documents holding a `ShipAddress` as they are. */
export const plainAddressBook: AddressBook = {
  async forRouting(reader, addressId) {
    const row = (await reader.getDocs(ADDRESSES_DB, [addressId])).get(addressId);
    return row ? (row.body as unknown as ShipAddress) : null;
  },
};

/** Stores an address as `plainAddressBook` reads it (tests and imports). */
export async function writePlainAddress(tx: WriteTransaction, address: ShipAddress): Promise<void> {
  const row = (await tx.getDocs(ADDRESSES_DB, [address.id])).get(address.id);
  const written = await tx.put({
    db: ADDRESSES_DB,
    id: address.id,
    body: address as unknown as JsonObject,
    storeId: null,
    expectedRev: row?.rev ?? null,
  });
  if (!written.ok) throw new Error(`address ${address.id} changed underneath: ${written.reason}`);
}
