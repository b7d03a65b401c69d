/**
 * The demo's shelf labels: a CloudEsl gateway simulator over `labels` labels
 * (`L0000`, `L0001`, …, the ids the server's demo seed binds) and the store's
 * shelf-label service pushing to it. Real-time delays unless `timeScale`.
 */
import { createCloudEslDriver } from './cloudesl-driver';
import { startGatewaySimulator, type GatewaySimulator } from './gateway-simulator';
import { createShelfLabelService, type ShelfLabelService } from './label-service';

export type ShelfLabelDemoOptions = {
  serverUrl: string;
  storeId: string;
  deviceToken: string;
  /** How many labels the gateway has (default 200). */
  labels?: number;
  dataDir: string;
  /** The sync server's certificate fingerprint, when it is self-signed. */
  certFingerprint?: string;
  /** Labels that always fail (default `['L0017']`, so the integrity check has one to show). */
  failLabels?: readonly string[];
  timeScale?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string, fields?: object) => void;
};

export type ShelfLabelDemo = {
  simulator: GatewaySimulator;
  service: ShelfLabelService;
  close(): Promise<void>;
};

export async function startShelfLabelDemo(options: ShelfLabelDemoOptions): Promise<ShelfLabelDemo> {
  const count = options.labels ?? 200;
  const simulator = await startGatewaySimulator({
    storeId: options.storeId,
    labels: Array.from({ length: count }, (_, i) => `L${String(i).padStart(4, '0')}`),
    failLabels: options.failLabels ?? ['L0017'],
    ...(options.timeScale === undefined ? {} : { timeScale: options.timeScale }),
  });
  const service = createShelfLabelService({
    serverUrl: options.serverUrl,
    token: options.deviceToken,
    driver: createCloudEslDriver({ url: simulator.url, storeId: options.storeId }),
    dataDir: options.dataDir,
    ...(options.certFingerprint === undefined ? {} : { certFingerprint: options.certFingerprint }),
    ...(options.log === undefined ? {} : { log: options.log }),
  });
  service.start();
  return {
    simulator,
    service,
    async close() {
      await service.close();
      await simulator.close();
    },
  };
}
