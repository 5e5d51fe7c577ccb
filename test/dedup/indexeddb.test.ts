/**
 * IndexedDbSeenStore in Node. vitest runs in Node, which has no IndexedDB: `fake-indexeddb/auto`
 * installs a FAKE, in-memory IndexedDB on globalThis. The real one is exercised in Chromium by
 * e2e/seen-store.spec.ts.
 */
import 'fake-indexeddb/auto';
import { createStore, entries, set } from 'idb-keyval';
import { describe, expect, it } from 'vitest';
import { IndexedDbSeenStore } from '../../src/dedup/indexeddb.js';
import { WriteBehindSeenStore } from '../../src/dedup/write-behind.js';
import type { SeenBackend, SeenEntry } from '../../src/dedup/write-behind.js';
import { ManualClock } from '../helpers/manual-clock.js';

let dbCounter = 0;
const freshDb = (): string => `seen-test-${dbCounter++}`;

/** Counts the IndexedDB records (batches) under a store. */
async function batchCount(dbName: string): Promise<number> {
  return (await entries(createStore(dbName, 'seen'))).length;
}

describe('IndexedDbSeenStore (on fake-indexeddb)', () => {
  it('restores what was flushed: a reloaded tab still knows what it saw', async () => {
    const clock = new ManualClock();
    const dbName = freshDb();
    const first = new IndexedDbSeenStore({ dbName, clock });
    expect(await first.load()).toBe(0);
    for (let i = 0; i < 10; i++) first.add(`id${i}`, clock.now());
    await first.close();

    const second = new IndexedDbSeenStore({ dbName, clock });
    expect(await second.load()).toBe(10);
    expect(second.has('id0')).toBe(true);
    expect(second.has('id9')).toBe(true);
    expect(second.has('other')).toBe(false);
  });

  it('writes behind in batches: one IndexedDB record per batch, never one per message', async () => {
    const clock = new ManualClock();
    const dbName = freshDb();
    const store = new IndexedDbSeenStore({ dbName, clock, flushBatchSize: 100, flushIntervalMs: 1_000 });
    await store.load();
    for (let i = 0; i < 250; i++) store.add(`id${i}`, clock.now());
    // The first full batch started a write on its own; the 150 that came while it was in flight wait
    // (one write at a time), and go as one record with the next flush.
    expect(store.getStats().pending).toBe(150);
    clock.advance(1_000);
    await store.flush();
    expect(await batchCount(dbName)).toBe(2);
    expect(store.getStats().flushes).toBe(2);
    expect(store.getStats().persisted).toBe(250);
  });

  it('flushes on the interval timer without an explicit flush', async () => {
    const clock = new ManualClock();
    const dbName = freshDb();
    const store = new IndexedDbSeenStore({ dbName, clock, flushIntervalMs: 500 });
    await store.load();
    store.add('a', clock.now());
    expect(clock.pendingTimers).toBe(1);
    clock.advance(500);
    await store.flush(); // waits for the timer's flush already on the chain
    expect(await batchCount(dbName)).toBe(1);
  });

  it('does not restore ids past the TTL and prunes them from storage on load', async () => {
    const clock = new ManualClock();
    const dbName = freshDb();
    const first = new IndexedDbSeenStore({ dbName, clock, ttlMs: 1_000 });
    await first.load();
    first.add('old', clock.now());
    clock.advance(600);
    first.add('young', clock.now());
    await first.close();

    clock.advance(600); // 'old' is 1200 ms old, 'young' 600 ms
    const second = new IndexedDbSeenStore({ dbName, clock, ttlMs: 1_000 });
    expect(await second.load()).toBe(1);
    expect(second.has('old')).toBe(false);
    expect(second.has('young')).toBe(true);
    expect(second.getStats().expiredOnLoad).toBe(1);
    const rows = await entries<number, SeenEntry[]>(createStore(dbName, 'seen'));
    expect(rows.flatMap(([, batch]) => batch.map(([key]) => key))).toEqual(['young']);
  });

  it('keeps storage bounded: dead entries trigger a compaction to the live set', async () => {
    const clock = new ManualClock();
    const dbName = freshDb();
    const maxEntries = 600;
    const store = new IndexedDbSeenStore({ dbName, clock, maxEntries, flushBatchSize: 200 });
    await store.load();
    for (let i = 0; i < 5_000; i++) {
      store.add(`id${i}`, clock.now());
      if (i % 200 === 199) await store.flush(); // each batch reaches storage, as time passing would
    }
    await store.flush();
    const stats = store.getStats();
    expect(stats.compactions).toBeGreaterThan(0);
    expect(store.size).toBe(maxEntries);
    const rows = await entries<number, SeenEntry[]>(createStore(dbName, 'seen'));
    const persisted = rows.reduce((n, [, batch]) => n + batch.length, 0);
    expect(persisted).toBe(stats.persisted);
    expect(persisted).toBeLessThanOrEqual(Math.max(1_024, maxEntries * store.compactionFactor) + 200);

    const reloaded = new IndexedDbSeenStore({ dbName, clock, maxEntries });
    await reloaded.load();
    expect(reloaded.has('id4999')).toBe(true);
    expect(reloaded.has('id0')).toBe(false);
  });

  it('skips foreign or corrupt records on load and counts them', async () => {
    const clock = new ManualClock();
    const dbName = freshDb();
    const raw = createStore(dbName, 'seen');
    await set(1, [['good', clock.now()], ['bad'], 42], raw);
    await set(2, 'not a batch', raw);
    const store = new IndexedDbSeenStore({ dbName, clock });
    expect(await store.load()).toBe(1);
    expect(store.has('good')).toBe(true);
    expect(store.getStats().corruptOnLoad).toBe(3);
  });
});

describe('WriteBehindSeenStore on a failing backend', () => {
  function flakyBackend(): SeenBackend & { fail: boolean; written: SeenEntry[] } {
    const backend = {
      fail: true,
      written: [] as SeenEntry[],
      load: async () => ({ entries: [], corrupt: 0, truncated: 0 }),
      append: async (batch: readonly SeenEntry[]) => {
        if (backend.fail) throw new Error('quota exceeded');
        backend.written.push(...batch);
      },
      rewrite: async () => {},
    };
    return backend;
  }

  it('counts write errors, keeps deduplicating in memory, and retries the ids later', async () => {
    const clock = new ManualClock();
    const backend = flakyBackend();
    const store = new WriteBehindSeenStore(backend, { clock });
    store.add('a', clock.now());
    await store.flush();
    expect(store.getStats().writeErrors).toBe(1);
    expect(store.has('a')).toBe(true);
    backend.fail = false;
    store.add('b', clock.now());
    await store.flush();
    expect(backend.written.map(([k]) => k)).toEqual(['a', 'b']);
  });

  it('never queues more retries than maxEntries while storage keeps failing', async () => {
    const clock = new ManualClock();
    const backend = flakyBackend();
    const store = new WriteBehindSeenStore(backend, { clock, maxEntries: 50, flushBatchSize: 10 });
    for (let i = 0; i < 500; i++) store.add(`id${i}`, clock.now());
    await store.flush();
    expect(store.getStats().pending).toBeLessThanOrEqual(50);
    expect(store.getStats().droppedWrites).toBeGreaterThan(0);
  });
});
