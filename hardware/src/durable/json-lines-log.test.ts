import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LabelOutbox } from '../esl/label-service';
import { JsonLinesLog } from './json-lines-log';

const dirs: string[] = [];
const tempFile = () => {
  const dir = mkdtempSync(join(tmpdir(), 'json-lines-'));
  dirs.push(dir);
  return join(dir, 'nested', 'outbox.jsonl');
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const asNumber = (value: unknown) => (typeof value === 'number' ? value : null);

describe('the durable JSON-lines log of the store services', () => {
  it('[EG10] keeps what was appended across a reopen, skipping a torn line and lines not its own', () => {
    const path = tempFile();
    const log = new JsonLinesLog<number>(path, 'the test outbox');
    log.rewrite([]);
    log.append([1, 2]);
    log.append([3]);
    log.close();
    // A crash mid-write leaves half a line; another program's line is not ours.
    appendFileSync(path, '"text"\n{"half":');
    const again = new JsonLinesLog<number>(path, 'the test outbox');
    expect(again.read(asNumber)).toEqual([1, 2, 3]);
  });

  it('[EG10] a rewrite replaces the file with only the lines given, and appends after them', () => {
    const path = tempFile();
    const log = new JsonLinesLog<number>(path, 'the test outbox');
    log.rewrite([1, 2, 3]);
    log.rewrite([3]);
    log.append([4]);
    expect(log.lineCount).toBe(2);
    expect(readFileSync(path, 'utf8')).toBe('3\n4\n');
    log.close();
    expect(() => log.append([5])).toThrow('the test outbox is closed');
  });

  it('[EG10] the shelf-label outbox opens past lines that are valid JSON but not acks, and keeps the acks waiting', () => {
    const path = tempFile();
    const ack = {
      labelId: 'L0001',
      hash: 'h1',
      pushId: 'P1',
      status: 'acked' as const,
      at: '2026-12-07T01:00:00.000Z',
    };
    const outbox = new LabelOutbox(path);
    outbox.recordBound([['L0001', 'SKU-0001']]);
    outbox.record([ack]);
    outbox.close();
    appendFileSync(path, 'null\n123\n{"ack":{"labelId":7}}\n');
    const reopened = new LabelOutbox(path);
    expect(reopened.waiting()).toEqual([ack]);
    expect([...reopened.bound]).toEqual([['L0001', 'SKU-0001']]);
    reopened.posted([ack]);
    reopened.close();
    expect(new LabelOutbox(path).waiting()).toEqual([]);
  });
});
