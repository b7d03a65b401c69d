/** A till looks up a sale of its store online, for a return its replica cannot serve. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { provisionAdminToken } from './auth';
import {
  BACKENDS,
  S001_DEVICE,
  S002_DEVICE,
  demoSale,
  startTestServer,
  type TestServer,
} from './test-support';

for (const backend of BACKENDS) {
  describe.skipIf(backend.skip)(`sale lookup for returns on ${backend.name}`, () => {
    let server: TestServer;
    beforeEach(async () => {
      server = await startTestServer(backend);
    });
    afterEach(async () => {
      await server.close();
    });

    it('[SA1] answers a sale of the device’s own store, refuses another store’s, 404 for none', async () => {
      const sale = demoSale(S001_DEVICE, 1, [['SKU-0003', 1]]);
      const { id, ...rest } = sale;
      const pushed = await server.request(S001_DEVICE.token, '/saleFacts/_bulk_docs', {
        body: { docs: [{ _id: id, ...rest }] },
      });
      expect(pushed.body).toMatchObject([{ ok: true, id }]);

      const own = await server.request(S001_DEVICE.token, `/_sales/${encodeURIComponent(id)}`);
      expect(own).toMatchObject({ status: 200, body: { sale: { id, storeId: 'S001' } } });
      const other = await server.request(S002_DEVICE.token, `/_sales/${encodeURIComponent(id)}`);
      expect(other).toMatchObject({ status: 403, body: { error: 'forbidden' } });
      const none = await server.request(S001_DEVICE.token, '/_sales/S001-POS1-NOPE');
      expect(none).toMatchObject({ status: 404, body: { error: 'not_found' } });
      const admin = (await provisionAdminToken(server.storage, 'hq')).token;
      expect(await server.request(admin, `/_sales/${id}`)).toMatchObject({ status: 403 });
      expect(await server.request(null, `/_sales/${id}`)).toMatchObject({ status: 401 });
    });
  });
}
