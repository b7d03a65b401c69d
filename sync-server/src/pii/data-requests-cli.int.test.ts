/**
 * The command line's data-subject requests: the commands' work on both
 * backends, and the real binary on an embedded PGlite directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { INDEX_KEY_FIXTURE } from '@pos/domain/fixtures';
import { memberView } from '@pos/domain';
import { seedDemo } from '../demo-data';
import { openPgliteStorage } from '../storage/pglite';
import { BACKENDS, runCli } from '../test-support';
import { dataRequestCommand, exportMemberCommand } from './data-requests-cli';
import { InMemoryVault, PRIVACY_MEMBERS } from './privacy-routes-test-support';

const M1 = memberView(PRIVACY_MEMBERS[0], INDEX_KEY_FIXTURE);

describe.each(BACKENDS)('data-request commands on $name', (backend) => {
  it.skipIf(backend.skip)(
    '[DQ1] [DQ3] records a request and writes its export as CSV or JSON',
    async () => {
      const storage = await backend.open();
      try {
        await storage.bulkWrite([
          { db: 'members', id: 'M1', body: M1, storeId: 'S001', expectedRev: null },
        ]);
        const now = new Date('2026-04-01T00:00:00Z');
        const made = await dataRequestCommand(storage, ['M1', 'access'], {
          channel: 'email',
          note: undefined,
          now,
        });
        expect(made.ok).toBe(true);
        const id = made.ok ? made.text.trim().split('\n').at(-1)! : '';
        expect(made.ok && made.text).toContain('due 2026-04-16T00:00:00.000Z');
        expect(await dataRequestCommand(storage, ['M1', 'erase'], { now })).toEqual({
          ok: false,
          reason: 'data-request: kind must be access or deletion',
        });
        const vault = new InMemoryVault();
        vault.data.set('M1', { name: '张伟', phone: '13800138000' });
        const csv = await exportMemberCommand(storage, id, 'csv', { vault });
        expect(csv.split('\r\n')).toContain('"personalData","1","phone","13800138000"');
        const json = JSON.parse(await exportMemberCommand(storage, id, 'json', { vault })) as {
          dataRequests: { channel: string }[];
        };
        expect(json.dataRequests).toEqual([expect.objectContaining({ id, channel: 'email' })]);
      } finally {
        await storage.close();
      }
    },
  );
});

describe('cli data-request and export-member', () => {
  it('[DQ1] [DQ3] records a request from the command line; an export without a vault is refused, not partial', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sync-server-dsr-'));
    const dataDir = join(dir, 'pglite');
    try {
      const storage = await openPgliteStorage(dataDir);
      await seedDemo(storage);
      await storage.bulkWrite([
        { db: 'members', id: 'M1', body: M1, storeId: 'S001', expectedRev: null },
      ]);
      await storage.close();
      const made = await runCli(['data-request', 'M1', 'access', '--data-dir', dataDir]);
      expect(made.stderr).toBe('');
      expect(made.code).toBe(0);
      const id = made.stdout.trim().split('\n').at(-1)!;
      expect(id).toMatch(/^dr-\d{8}-[0-9a-f]{12}$/);
      const exported = await runCli([
        'export-member',
        id,
        '--format',
        'csv',
        '--data-dir',
        dataDir,
      ]);
      expect(exported.code).toBe(1);
      expect(exported.stdout).toBe('');
      expect(exported.stderr).toContain('no personal data vault');
      const bad = await runCli(['export-member', id, '--format', 'xml', '--data-dir', dataDir]);
      expect(bad.code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
