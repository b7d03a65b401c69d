/**
 * [PT6] `sync-server set-points-programme <file.json>`: HQ sets the points
 * programme from the command line; a bad file changes nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readPointsProgramme } from './ledgers';
import { openPgliteStorage } from './storage/pglite';
import { runCli } from './test-support';

describe('cli set-points-programme on PGlite', () => {
  it('[PT6] [MP7] sets a valid programme, and refuses a bad one listing its problems', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sync-server-programme-'));
    const dataDir = join(dir, 'pglite');
    const file = (name: string, text: string) => {
      writeFileSync(join(dir, name), text);
      return join(dir, name);
    };
    const programme = {
      earnRules: [
        { tier: 'basic', points: 1, per: 100 },
        { tier: 'gold', category: 'Apparel', points: 3, per: 100 },
      ],
      redemption: { pointsPerStep: 100, stepValue: 100, minPoints: 100, maxShareBp: 5000 },
    };
    const read = async () => {
      const storage = await openPgliteStorage(dataDir);
      try {
        return await readPointsProgramme({ getDocs: (db, ids) => storage.getDocs(db, ids, null) });
      } finally {
        await storage.close();
      }
    };
    try {
      const good = file('programme.json', JSON.stringify(programme));
      const set = await runCli(['set-points-programme', good, '--data-dir', dataDir]);
      expect(set.code, set.stderr).toBe(0);
      expect(set.stdout).toMatch(/points programme set/);
      expect(await read()).toEqual(programme);

      const bad = file('bad.json', JSON.stringify({ earnRules: [{ tier: 'gold', per: 0 }] }));
      const refused = await runCli(['set-points-programme', bad, '--data-dir', dataDir]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/nothing was set/);
      expect(refused.stderr).toMatch(/earnRules\[0\]\.per must be/);
      const broken = file('broken.json', '{"earnRules": [');
      expect((await runCli(['set-points-programme', broken, '--data-dir', dataDir])).code).toBe(1);
      expect(await read()).toEqual(programme);
      expect((await runCli(['set-points-programme', '--data-dir', dataDir])).code).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
