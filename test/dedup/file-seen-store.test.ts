import { execFile } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSeenStore, parseSeenLog } from '../../src/node/file-seen-store.js';
import { ManualClock } from '../helpers/manual-clock.js';

const run = promisify(execFile);
const CHILD = resolve(import.meta.dirname, 'file-store-child.ts');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshcast-seen-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the child store in a fresh Node process; `crash` kills it with SIGKILL after its flush. */
async function child(path: string, probe: string[], add: string[], mode: 'crash' | 'exit') {
  const result = await run(process.execPath, ['--import', 'tsx', CHILD, path, probe.join(','), add.join(','), mode], {
    cwd: resolve(import.meta.dirname, '../..'),
  }).catch((err: { stdout?: string; signal?: string }) => {
    // A SIGKILLed child "fails"; its stdout is still the report.
    if (mode === 'crash' && err.signal === 'SIGKILL' && err.stdout) return { stdout: err.stdout };
    throw err;
  });
  return JSON.parse(result.stdout.trim()) as { restored: number; seen: string[] };
}

describe('FileSeenStore', () => {
  it('survives a real process crash and restart (SIGKILL after a flush)', async () => {
    const path = join(dir, 'nested', 'seen.log');
    const first = await child(path, ['a', 'b'], ['a', 'b', 'c'], 'crash');
    expect(first).toEqual({ restored: 0, seen: [] });
    const second = await child(path, ['a', 'b', 'c', 'd'], ['d'], 'exit');
    expect(second).toEqual({ restored: 3, seen: ['a', 'b', 'c'] });
  });

  it('reopens in-process with what was flushed, and appends one write per batch', async () => {
    const clock = new ManualClock();
    const path = join(dir, 'seen.log');
    const store = new FileSeenStore({ path, clock, flushBatchSize: 4 });
    await store.load();
    for (let i = 0; i < 10; i++) store.add(`id${i}`, clock.now());
    await store.close();
    // The batch of 4 starts a write; the next 6 pile up while it is in flight (one automatic write at a
    // time) and close() writes them: two writes for ten ids.
    expect(store.getStats().flushes).toBe(2);
    const reopened = new FileSeenStore({ path, clock });
    expect(await reopened.load()).toBe(10);
    expect(reopened.has('id9')).toBe(true);
  });

  it('tolerates a truncated last line (crash mid-append) and a corrupt line', async () => {
    const clock = new ManualClock();
    const path = join(dir, 'seen.log');
    const now = clock.now();
    await writeFile(path, `${now} good1\n\u0000\u0001garbage\n${now} good2\n`);
    await appendFile(path, `${now} half-writ`); // no newline: the write was cut short
    const store = new FileSeenStore({ path, clock });
    expect(await store.load()).toBe(2);
    expect(store.has('good1') && store.has('good2')).toBe(true);
    expect(store.has('half-writ')).toBe(false);
    expect(store.getStats()).toMatchObject({ corruptOnLoad: 1, truncatedOnLoad: 1 });
    // The dirty file was rewritten clean.
    expect(parseSeenLog(await readFile(path, 'utf8'))).toEqual({
      entries: [
        ['good1', now],
        ['good2', now],
      ],
      corrupt: 0,
      truncated: 0,
    });
  });

  it('drops expired ids from the file on load', async () => {
    const clock = new ManualClock();
    const path = join(dir, 'seen.log');
    const store = new FileSeenStore({ path, clock, ttlMs: 1_000 });
    await store.load();
    store.add('old', clock.now());
    await store.close();
    clock.advance(2_000);
    const reopened = new FileSeenStore({ path, clock, ttlMs: 1_000 });
    expect(await reopened.load()).toBe(0);
    expect((await readFile(path, 'utf8')).length).toBe(0);
  });

  it('a burst faster than storage keeps one write in flight and at most maxEntries ids pending', async () => {
    const clock = new ManualClock();
    const store = new FileSeenStore({ path: join(dir, 'burst.log'), clock, maxEntries: 500, flushBatchSize: 100 });
    await store.load();
    for (let i = 0; i < 10_000; i++) store.add(`id${i}`, clock.now());
    expect(store.getStats().pending).toBeLessThanOrEqual(500);
    expect(store.getStats().droppedWrites).toBe(10_000 - 100 - 500);
    await store.close();
    expect(store.getStats().flushes).toBe(2);
  });

  it('stays bounded: compaction keeps the file near the live set', async () => {
    const clock = new ManualClock();
    const path = join(dir, 'seen.log');
    const maxEntries = 500;
    const store = new FileSeenStore({ path, clock, maxEntries, flushBatchSize: 100 });
    await store.load();
    for (let i = 0; i < 10_000; i++) {
      store.add(`id${i}`, clock.now());
      if (i % 100 === 99) await store.flush(); // let each batch reach the file, as time passing would
    }
    await store.close();
    const lines = parseSeenLog(await readFile(path, 'utf8')).entries.length;
    expect(store.getStats().compactions).toBeGreaterThan(0);
    expect(lines).toBeLessThanOrEqual(Math.max(1_024, maxEntries * store.compactionFactor) + 100);
    const reopened = new FileSeenStore({ path, clock, maxEntries });
    await reopened.load();
    expect(reopened.size).toBe(maxEntries);
    expect(reopened.has('id9999')).toBe(true);
  });
});
