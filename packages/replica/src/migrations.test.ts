/**
 * A schema version going up on a device that already holds documents: the
 * replica opens and the documents are there, migrated, instead of the open
 * failing. Shown with the products collection at version N and N+1.
 */
import { describe, expect, it } from 'vitest';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import type { RxJsonSchema } from 'rxdb';
import type { Product } from '@pos/domain';
import { openReplica, replicaDefinitions } from './database';

type ProductV1 = Product & { unit: string };

describe('schema migrations', () => {
  it('migrates documents already on the device when a collection schema version goes up', async () => {
    const storage = getRxStorageMemory();
    const name = 'migrating-terminal';
    const current = replicaDefinitions();
    const milk: Product = {
      id: 'SKU-0003',
      name: 'Pure Milk 1L',
      gtin: '06901234567892',
      category: 'Dairy',
      taxClass: 'VAT9',
      status: 'active',
    };

    const before = await openReplica({ name, storage, definitions: current });
    await before.products.insert(milk);
    await before.close();

    // Version N+1 adds a required field; the migration derives it from the name.
    const schema = structuredClone(
      current.products.schema,
    ) as unknown as RxJsonSchema<ProductV1> & {
      properties: Record<string, unknown>;
      required: string[];
    };
    schema.version = current.products.schema.version + 1;
    schema.properties.unit = { type: 'string', maxLength: 10 };
    schema.required = [...schema.required, 'unit'];
    const next = {
      ...current,
      products: {
        schema: schema as unknown as RxJsonSchema<unknown>,
        migrationStrategies: {
          [schema.version]: (doc: Product): ProductV1 => ({
            ...doc,
            unit: /\b1L\b/.test(doc.name) ? 'L' : 'pc',
          }),
        },
      },
    };
    const after = await openReplica({ name, storage, definitions: next });
    const migrated = await after.products.findOne('SKU-0003').exec();
    expect(migrated?.toJSON()).toEqual({ ...milk, unit: 'L' });
    await after.close();
  });

  it('has a migration for every version of every collection above 0', () => {
    // Without dev-mode RxDB does not check this at open: a missing strategy
    // would surface on a cashier's till, so it is checked here.
    for (const [name, definition] of Object.entries(replicaDefinitions())) {
      const versions = Object.keys(definition.migrationStrategies ?? {}).map(Number);
      const expected = Array.from({ length: definition.schema.version }, (_, i) => i + 1);
      expect(
        versions.sort((a, b) => a - b),
        name,
      ).toEqual(expected);
    }
  });
});
