import { describe, expect, it } from 'vitest';
import { hashToken } from './auth';
import { DEMO_FITTING_ROOM_SERVICES, DEMO_TABLETS } from './demo-clerk';
import { DEMO_DEVICES, seedDemo } from './demo-data';
import { demoTaggedItems } from './demo-rfid';
import { pushDocs } from './push';
import { BACKENDS, S001_DEVICE, asPushed, demoSale } from './test-support';

const DBS = ['stores', 'products', 'prices', 'stock', 'saleFacts'] as const;

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`demo seed on ${backend.name}`, () => {
    it('[DM1] seeds the chain and devices once; running it again changes nothing', async () => {
      const storage = await backend.open();
      try {
        // Stores, products, prices, stock; [DM2] staff, members, promotions, coupons;
        // [PT6] the points programme; [SHP4] the store locations; [SHP10] the shop's coupon campaign;
        // [RS1] the warehouse, its stock of 17 SKUs; [RP7] the aisles of 20 SKUs at 3 locations.
        expect(await seedDemo(storage)).toEqual({
          // [DM3] The style's 8 SKUs, prices and 16 stock levels, the style and commission table, 2 clerks.
          // [RI14] The tees' tags and their `items` documents (7 SKUs at S001, 8 at S002).
          written:
            2 +
            20 +
            20 +
            40 +
            2 +
            1 +
            4 +
            3 +
            2 +
            5 +
            1 +
            17 +
            1 +
            60 +
            8 +
            8 +
            16 +
            2 +
            2 +
            demoTaggedItems().length +
            15,
        });
        // [RI5] And S001's fitting-room service, a device of its store.
        for (const { token, deviceId, storeId } of [
          ...DEMO_DEVICES,
          ...DEMO_TABLETS,
          ...DEMO_FITTING_ROOM_SERVICES,
        ]) {
          expect(await storage.findDeviceToken(hashToken(token))).toEqual({ deviceId, storeId });
        }
        // A sale moves stock; a second seed must neither reset it nor touch anything else.
        const principal = { kind: 'device', ...S001_DEVICE } as const;
        await pushDocs(storage, principal, 'saleFacts', [
          asPushed(demoSale(S001_DEVICE, 1, [['SKU-0001', 4]])),
        ]);
        const before = await Promise.all(DBS.map((db) => storage.dbInfo(db, null)));
        const level = await storage.getDocs('stock', ['S001:SKU-0001'], null);
        expect(await seedDemo(storage)).toEqual({ written: 0 });
        expect(await Promise.all(DBS.map((db) => storage.dbInfo(db, null)))).toEqual(before);
        expect(await storage.getDocs('stock', ['S001:SKU-0001'], null)).toEqual(level);
      } finally {
        await storage.close();
      }
    });
  });
}
