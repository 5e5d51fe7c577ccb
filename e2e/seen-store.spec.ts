/**
 * IndexedDbSeenStore against the real IndexedDB of Chromium (the unit tests use fake-indexeddb in Node):
 * ids written in one page load are still seen after page.reload(), and the write-behind produced one
 * IndexedDB record per batch.
 *
 * The store is bundled for the page with esbuild (tsx's dependency) into a temp dir that a static server
 * serves on a real http origin (IndexedDB needs one).
 */
import { build } from 'esbuild';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from './fixtures.js';
import { startStaticServer } from './static-server.js';
import type { StaticServer } from './static-server.js';

const ROOT = resolve(import.meta.dirname, '..');

declare global {
  interface Window {
    meshcastDedup: typeof import('../src/dedup/index.js');
  }
}

let dir: string;
let server: StaticServer;

test.beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'meshcast-e2e-seen-'));
  const bundle = await build({
    stdin: {
      contents: "import * as dedup from './src/dedup/index.ts'; window.meshcastDedup = dedup;",
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
  });
  await writeFile(join(dir, 'seen.js'), bundle.outputFiles[0]!.contents);
  await writeFile(
    join(dir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>seen store</title><script type="module" src="./seen.js"></script>',
  );
  server = await startStaticServer(dir);
});

test.afterAll(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

test('ids written before a reload are still seen after it (real IndexedDB)', async ({ page }) => {
  await page.goto(server.url('/index.html'));
  await page.waitForFunction(() => window.meshcastDedup !== undefined);

  const written = await page.evaluate(async () => {
    const store = new window.meshcastDedup.IndexedDbSeenStore({ dbName: 'e2e-seen', flushBatchSize: 64 });
    await store.load();
    for (let i = 0; i < 200; i++) store.add(`key-${i}`, Date.now());
    await store.close();
    return store.getStats();
  });
  // 200 ids in one burst, batches of 64: the first full batch starts a write, the other 136 wait for it
  // (one write at a time) and close() writes them — two IndexedDB records, never one per id.
  expect(written).toMatchObject({ flushes: 2, persisted: 200, writeErrors: 0 });

  await page.reload();
  await page.waitForFunction(() => window.meshcastDedup !== undefined);
  const after = await page.evaluate(async () => {
    const store = new window.meshcastDedup.IndexedDbSeenStore({ dbName: 'e2e-seen' });
    const restored = await store.load();
    const records = await new Promise<number>((done, fail) => {
      const open = indexedDB.open('e2e-seen');
      open.onerror = () => fail(open.error);
      open.onsuccess = () => {
        const count = open.result.transaction('seen').objectStore('seen').count();
        count.onsuccess = () => done(count.result);
        count.onerror = () => fail(count.error);
      };
    });
    return { restored, first: store.has('key-0'), last: store.has('key-199'), other: store.has('key-200'), records };
  });
  expect(after).toEqual({ restored: 200, first: true, last: true, other: false, records: 2 });
});

test('the interval flush persists ids without an explicit flush', async ({ page }) => {
  await page.goto(server.url('/index.html'));
  await page.waitForFunction(() => window.meshcastDedup !== undefined);
  await page.evaluate(async () => {
    const store = new window.meshcastDedup.IndexedDbSeenStore({ dbName: 'e2e-seen-timer', flushIntervalMs: 100 });
    await store.load();
    store.add('timer-key', Date.now());
    // No flush() and no close(): the write-behind timer must persist it on its own.
    await new Promise((done) => setTimeout(done, 500));
  });
  await page.reload();
  await page.waitForFunction(() => window.meshcastDedup !== undefined);
  const seen = await page.evaluate(async () => {
    const store = new window.meshcastDedup.IndexedDbSeenStore({ dbName: 'e2e-seen-timer' });
    await store.load();
    return store.has('timer-key');
  });
  expect(seen).toBe(true);
});
