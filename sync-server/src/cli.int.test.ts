/**
 * The command line and `startSyncServer`, as the demo launcher uses them.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSyncServer } from './start';

const CLI = new URL('./cli.ts', import.meta.url).pathname;

describe('startSyncServer', () => {
  it('[DM1] serves the seeded demo chain on PGlite in memory', async () => {
    const running = await startSyncServer({ port: 0, dataDir: 'memory://', seedDemo: true });
    try {
      const res = await fetch(`${running.url}/products`, {
        headers: { authorization: 'Bearer demo-s002-pos1' },
      });
      expect(await res.json()).toMatchObject({ db_name: 'products', doc_count: 20 });
      expect(running.storage.kind).toBe('pglite');
    } finally {
      await running.close();
    }
  });
});

describe('cli serve', () => {
  it('prints its URL, keeps data in --data-dir, and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sync-server-cli-'));
    const env = { ...process.env };
    delete env.DATABASE_URL;
    const run = async (args: string[]) => {
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          CLI,
          'serve',
          '--port',
          '0',
          '--data-dir',
          join(dir, 'pglite'),
          ...args,
        ],
        { env, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      const url = await new Promise<string>((resolve, reject) => {
        const check = setInterval(() => {
          const match = /listening on (http:\/\/\S+)/.exec(output);
          if (match?.[1]) {
            clearInterval(check);
            resolve(match[1]);
          }
        }, 50);
        void exited.then(() => {
          clearInterval(check);
          reject(new Error(`cli exited early:\n${output}`));
        });
      });
      const info = (await (
        await fetch(`${url}/stock`, { headers: { authorization: 'Bearer demo-s001-pos1' } })
      ).json()) as { doc_count: number };
      child.kill('SIGTERM');
      return { code: await exited, output, info };
    };
    try {
      const first = await run(['--seed-demo']);
      expect(first.output).toMatch(/storage: pglite .*pglite\)/);
      expect(first.info.doc_count).toBe(20);
      expect(first.output).toMatch(/SIGTERM: stopping/);
      expect(first.code).toBe(0);
      // The data survived the restart without seeding again.
      const second = await run([]);
      expect(second.info.doc_count).toBe(20);
      expect(second.code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('explains its usage on bad arguments', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, 'serve', '--port', 'abc'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toMatch(/--port must be a port number, got abc/);
    expect(stderr).toMatch(/usage: sync-server serve/);
  });
});
