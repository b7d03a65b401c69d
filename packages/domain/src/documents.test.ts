import { describe, expect, it } from 'vitest';
import { COLLECTIONS, SCHEMAS } from './documents';
import { validateSale } from './sale';
import { REPLICA_FIXTURE } from './validate.fixture';

describe('documents', () => {
  it('[D1] server-owned state flows down, facts flow up', () => {
    expect(COLLECTIONS.sales).toEqual({ direction: 'up', scope: 'store' });
    expect(COLLECTIONS.stock).toEqual({ direction: 'down', scope: 'store' });
    for (const c of ['stores', 'products', 'prices'] as const) {
      expect(COLLECTIONS[c]).toEqual({ direction: 'down', scope: 'chain' });
    }
  });

  it('[D2] a fact id starts with the id of the device that wrote it', () => {
    expect(validateSale(REPLICA_FIXTURE.sale)).toEqual([]);
    expect(
      validateSale({ ...REPLICA_FIXTURE.sale, id: '01J0000000000000000000000' }),
    ).toContainEqual({
      path: '$.id',
      message: 'must start with the device id',
    });
  });

  it('[D3] documents are retired by status, never deleted', () => {
    expect(SCHEMAS.stores.properties.status.enum).toContain('closed');
    expect(SCHEMAS.products.properties.status.enum).toContain('discontinued');
    for (const schema of Object.values(SCHEMAS)) {
      expect(Object.keys(schema.properties)).not.toContain('_deleted');
    }
  });
});
