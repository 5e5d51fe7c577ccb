/**
 * Fixtures and helpers for the tests of the demo page (e2e/demo-*.spec.ts):
 *   - `signal` (worker-scoped): the real `meshcast signal` process on a free port, serving dist/demo —
 *     what `npm start` runs;
 *   - `demo` (per test): opens demo tabs in the test's browser context, each in a room of its own test, and
 *     fails the test if any tab throws a page error.
 * Tabs are read through the demo's test hook (`window.meshcastDemo`, demo/test-hook.ts) and, where the
 * issue says the page must *show* something, through the page itself.
 */
import type { Page } from '@playwright/test';
import { test as base, expect } from './fixtures.js';
import { startSignal, type SignalProcess } from './cli-process.js';
import type { MessageRecord } from '../demo/test-hook.js';

/** Joining (signaling + WebRTC over loopback) takes well under this even with 6 tabs on 2 cores. */
export const MESH_TIMEOUT_MS = 30_000;
/** A message crosses a 6-tab mesh in milliseconds; gossip repair takes a few gossip rounds. */
export const DELIVERY_TIMEOUT_MS = 20_000;

export interface TabOptions {
  /** Query parameters of the demo URL (preset, mode, dedup, …). */
  query?: Record<string, string>;
}

export interface DemoTabs {
  /** This test's room (unique per test). */
  readonly room: string;
  /** Opens `n` demo tabs in the room and waits until each joined. */
  open(n: number, options?: TabOptions): Promise<Page[]>;
  /** The demo URL for this room with `query`. */
  url(options?: TabOptions): string;
  /** Page errors seen so far, per tab. */
  readonly pageErrors: string[];
}

export const test = base.extend<{ demo: DemoTabs }, { signal: SignalProcess }>({
  signal: [
    async ({}, use) => {
      const signal = await startSignal();
      await use(signal);
      await signal.process.stop();
    },
    { scope: 'worker' },
  ],
  demo: async ({ context, signal }, use, testInfo) => {
    const room = `e2e-${testInfo.testId.slice(0, 8)}-${Date.now().toString(36)}`;
    const pageErrors: string[] = [];
    const url = (options: TabOptions = {}): string => {
      const query = new URLSearchParams(options.query ?? {}).toString();
      return `${signal.httpUrl}/${query ? `?${query}` : ''}#${room}`;
    };
    context.on('page', (page) => page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`)));
    const open = async (n: number, options: TabOptions = {}): Promise<Page[]> => {
      const pages: Page[] = [];
      for (let i = 0; i < n; i++) {
        const page = await context.newPage();
        await page.goto(url(options));
        pages.push(page);
      }
      await Promise.all(pages.map((page) => waitReady(page)));
      return pages;
    };
    await use({ room, open, url, pageErrors });
    expect(pageErrors, 'no demo tab threw a page error').toEqual([]);
  },
});

export { expect };

export async function waitReady(page: Page): Promise<void> {
  await page.waitForFunction(() => window.meshcastDemo?.ready === true, undefined, { timeout: MESH_TIMEOUT_MS });
}

export function peerIdOf(page: Page): Promise<string> {
  return page.evaluate(() => window.meshcastDemo!.node.id);
}

export function connectedOf(page: Page): Promise<string[]> {
  return page.evaluate(() => window.meshcastDemo!.node.peers().filter((p) => p.connected).map((p) => p.id));
}

export function deliveredOf(page: Page): Promise<MessageRecord[]> {
  return page.evaluate(() => window.meshcastDemo!.delivered);
}

/** Whether the links reported by `views` connect every node of the views into one component. */
export function isConnectedGraph(views: ReadonlyMap<string, readonly string[]>): boolean {
  const ids = [...views.keys()];
  if (ids.length === 0) return true;
  const adjacency = new Map<string, Set<string>>(ids.map((id) => [id, new Set()]));
  for (const [id, links] of views) {
    for (const other of links) {
      adjacency.get(id)?.add(other);
      adjacency.get(other)?.add(id);
    }
  }
  const seen = new Set([ids[0]!]);
  const queue = [ids[0]!];
  while (queue.length > 0) {
    for (const next of adjacency.get(queue.pop()!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return ids.every((id) => seen.has(id));
}

/**
 * Waits until the tabs form one connected mesh in which every tab has at least `minLinks` neighbours
 * (default: all the others, capped at 3 — the fastDetection preset's active view is 4).
 */
export async function waitForMesh(pages: readonly Page[], minLinks = Math.min(pages.length - 1, 3)): Promise<void> {
  await expect
    .poll(
      async () => {
        const views = new Map<string, string[]>();
        for (const page of pages) views.set(await peerIdOf(page), await connectedOf(page));
        const ids = new Set(views.keys());
        const enough = [...views.values()].every((links) => links.filter((l) => ids.has(l)).length >= minLinks);
        return enough && isConnectedGraph(views);
      },
      { timeout: MESH_TIMEOUT_MS, message: 'the tabs form one mesh' },
    )
    .toBe(true);
}

/** Waits until every page in `pages` delivered every id in `ids`. */
export async function waitDelivered(pages: readonly Page[], ids: readonly string[], timeout = DELIVERY_TIMEOUT_MS): Promise<void> {
  await Promise.all(
    pages.map((page, i) =>
      expect
        .poll(
          () => page.evaluate((want) => {
            const got = new Set(window.meshcastDemo!.delivered.map((r) => r.id));
            return want.filter((id) => !got.has(id)).length;
          }, ids),
          { timeout, message: `tab ${i} delivered all ${ids.length} message(s)` },
        )
        .toBe(0),
    ),
  );
}

/** How many times each id was delivered in `page` (ids not delivered are absent). */
export async function deliveryCounts(page: Page): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const r of await deliveredOf(page)) counts.set(r.id, (counts.get(r.id) ?? 0) + 1);
  return counts;
}
