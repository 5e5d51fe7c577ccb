/**
 * The demo page as a first-time visitor meets it: one tab, then three more opened from its own "Open
 * another tab" link. The peer list and the mesh picture show the 4 peers, a message's path is drawn, and
 * screenshots at desktop and phone width are kept as test artifacts (e2e-artifacts/demo-screenshots/).
 */
import type { Page, TestInfo } from '@playwright/test';
import { join } from 'node:path';
import { expect, test, waitForMesh, waitReady, waitDelivered } from './demo-harness.js';

const TABS = 4;
/** Kept on success too, at a fixed place: e2e-artifacts/demo-screenshots/ (the README says so). */
const screenshotPath = (testInfo: TestInfo, name: string): string =>
  join(testInfo.project.outputDir, 'demo-screenshots', name);
const PHONE = { width: 390, height: 844 };

test('4 tabs opened from the page itself: the peer list and the mesh picture show 4 peers (screenshot artifact)', async ({ demo, context }, testInfo) => {
  const [first] = (await demo.open(1)) as [Page];
  // A first-time visitor is told what to do, with a link to the room.
  await expect(first.locator('#hint')).toContainText('Open this page in another tab');
  await expect(first.locator('#room-link')).toHaveValue(demo.url());
  await expect(first.locator('#peer-list')).toContainText('No other peer yet');

  const tabs: Page[] = [first];
  for (let i = 1; i < TABS; i++) {
    const opened = context.waitForEvent('page');
    await first.locator('#open-tab').click();
    const tab = await opened;
    await waitReady(tab);
    tabs.push(tab);
  }
  const ids = await Promise.all(tabs.map((t) => t.evaluate(() => window.meshcastDemo!.node.id)));
  expect(new Set(ids).size, 'each opened tab is a peer of its own').toBe(TABS);
  await waitForMesh(tabs);

  // A message from another tab, so the picture draws the path it took into the first tab.
  const id = await tabs[2]!.evaluate(() => window.meshcastDemo!.send('hello, mesh'));
  await waitDelivered([first], [id]);

  // The peer list: this tab plus 3 connected peers.
  const rows = first.locator('#peer-list li[data-peer]');
  await expect(rows).toHaveCount(TABS);
  await expect(first.locator('#peer-list li[data-state="connected"]')).toHaveCount(TABS - 1);
  await expect(first.locator('#peer-count')).toHaveText(`${TABS - 1} connected`);
  // The mesh picture: 4 nodes, every one of them (the others through their beacons) with links, and
  // at least one hop of the last message drawn.
  await expect(first.locator('#mesh g.node')).toHaveCount(TABS);
  for (const peer of ids) await expect(first.locator(`#mesh g.node[data-peer="${peer}"]`)).toHaveCount(1);
  await expect(first.locator('#mesh-count')).toHaveText(`${TABS} peers`);
  await expect.poll(() => first.locator('#mesh line.link').count(), { message: 'links of a full mesh' }).toBe((TABS * (TABS - 1)) / 2);
  await expect(first.locator('#mesh line.hop').first()).toBeAttached();
  await expect(first.locator(`#messages li[data-id="${id}"]`)).toContainText('hello, mesh');

  await first.screenshot({ path: screenshotPath(testInfo, 'demo-4-tabs.png'), fullPage: true });
  await first.setViewportSize(PHONE);
  // At phone width nothing overflows sideways.
  expect(await first.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
  await first.screenshot({ path: screenshotPath(testInfo, 'demo-4-tabs-phone.png'), fullPage: true });
});
