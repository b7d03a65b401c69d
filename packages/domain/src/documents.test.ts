import { describe, expect, it } from 'vitest';
import {
  COLLECTIONS,
  COLLECTION_NAMES,
  FACT_COLLECTIONS,
  SCHEMAS,
  validateDocument,
} from './collections';
import { saleFactFixture } from './fixtures';

describe('documents', () => {
  it('[D1] server-owned state flows down, facts flow up', () => {
    for (const c of ['saleFacts', 'returns', 'shifts'] as const) {
      expect(COLLECTIONS[c]).toEqual({ direction: 'up', scope: 'store', storeField: 'storeId' });
    }
    expect(COLLECTIONS.stockMovements).toMatchObject({ direction: 'up', storeField: 'location' });
    expect(COLLECTIONS.pointEntries).toEqual({ direction: 'up', scope: 'chain' });
    expect([...FACT_COLLECTIONS].sort()).toEqual(
      COLLECTION_NAMES.filter((c) => COLLECTIONS[c].direction === 'up').sort(),
    );
    expect(COLLECTIONS.stock).toEqual({ direction: 'down', scope: 'store', storeField: 'storeId' });
    // A terminal keeps its own store's members; others are looked up online.
    expect(COLLECTIONS.members).toEqual({
      direction: 'down',
      scope: 'store',
      storeField: 'homeStoreId',
    });
    for (const c of ['stores', 'products', 'prices', 'staff', 'promotions', 'coupons'] as const) {
      expect(COLLECTIONS[c]).toEqual({ direction: 'down', scope: 'chain' });
    }
  });

  it('[DS1] [DK1] every synced collection has a schema: 13 of one kind and 3 of several kinds', () => {
    expect(COLLECTION_NAMES).toHaveLength(16);
    expect(COLLECTION_NAMES).toEqual(expect.arrayContaining(['facts', 'chain', 'storeState']));
    expect(Object.keys(SCHEMAS).sort()).toEqual([...COLLECTION_NAMES].sort());
  });

  it('[D2] a fact id starts with the id of the device that wrote it', () => {
    const sale = saleFactFixture();
    expect(validateDocument('saleFacts', sale)).toEqual([]);
    expect(
      validateDocument('saleFacts', { ...sale, id: '01J0000000000000000000000' }),
    ).toContainEqual(expect.objectContaining({ path: '$.id' }));
  });

  it('[D3] documents are retired by status, never deleted', () => {
    expect(SCHEMAS.stores.properties.status.enum).toContain('closed');
    expect(SCHEMAS.products.properties.status.enum).toContain('discontinued');
    for (const schema of Object.values(SCHEMAS)) {
      expect(Object.keys(schema.properties)).not.toContain('_deleted');
    }
  });
});
