/**
 * The demo's tabs deliver every chat message exactly once: in each relay mode, and across a room-wide
 * switch from flood to gossip in the middle of a stream.
 */
import type { Page } from '@playwright/test';
import { RELAY_MODES } from '../src/index.js';
import type { RelayMode } from '../src/index.js';
import { deliveryCounts, expect, test, waitDelivered, waitForMesh } from './demo-harness.js';

/** Clicks `mode` in the tab's relay-mode switch (what a user does). */
async function switchMode(tab: Page, mode: RelayMode): Promise<void> {
  await tab.locator(`#mode-switch label:has(input[value="${mode}"])`).click();
}

/** Every tab shows `mode` checked in its switch and its node runs in it. */
async function expectRoomMode(tabs: readonly Page[], mode: RelayMode): Promise<void> {
  for (const tab of tabs) {
    await expect(tab.locator(`#mode-switch input[value="${mode}"]`)).toBeChecked();
    expect(await tab.evaluate(() => window.meshcastDemo!.node.mode)).toBe(mode);
  }
}

/** Sends `text` through the chat box of `tab` and returns the message id. */
async function typeMessage(tab: Page, text: string): Promise<string> {
  await tab.locator('#chat-input').fill(text);
  await tab.locator('#send').click();
  const sent = await tab.evaluate(() => window.meshcastDemo!.sent.at(-1));
  expect(sent?.text).toBe(text);
  return sent!.id;
}

test('6 tabs: a message from one tab is delivered exactly once in every other tab, in each relay mode', async ({ demo }) => {
  const tabs = await demo.open(6);
  await waitForMesh(tabs);

  const sent: { id: string; sender: Page; mode: RelayMode }[] = [];
  for (const [i, mode] of RELAY_MODES.entries()) {
    // The switch is flipped in one tab and the whole room follows (the others' switches move too).
    await switchMode(tabs[(i + 1) % tabs.length]!, mode);
    await expectRoomMode(tabs, mode);

    const sender = tabs[i]!;
    const id = await typeMessage(sender, `hello from tab ${i} in ${mode}`);
    const others = tabs.filter((t) => t !== sender);
    await waitDelivered(others, [id]);
    for (const tab of others) {
      await expect(tab.locator(`#messages li[data-id="${id}"]`), 'the chat shows it once').toHaveCount(1);
    }
    sent.push({ id, sender, mode });
  }

  // A last message, delivered everywhere, fences late copies of the earlier ones (gossip repair rounds).
  const fence = await typeMessage(tabs[5]!, 'fence');
  await waitDelivered(tabs.slice(0, 5), [fence]);
  for (const [t, tab] of tabs.entries()) {
    const counts = await deliveryCounts(tab);
    for (const { id, sender, mode } of sent) {
      expect(counts.get(id) ?? 0, `tab ${t}, the ${mode} message`).toBe(tab === sender ? 0 : 1);
    }
  }
});

test('the room switches from flood to gossip during a stream of 200 messages: none lost, none duplicated', async ({ demo }) => {
  const COUNT = 200;
  const tabs = await demo.open(5, { query: { mode: 'flood' } });
  await waitForMesh(tabs);
  await expectRoomMode(tabs, 'flood');
  const [sender, switcher] = tabs as [Page, Page];
  const receivers = tabs.slice(1);

  // The sender streams one message every 10 ms and records the mode it was in for each. So that the
  // switch lands mid-stream however loaded the machine is, it holds the last 80 until the announcement
  // has reached it (bounded: the assertions below catch a switch that never came).
  const streaming = sender.evaluate(async (count) => {
    const hook = window.meshcastDemo!;
    const modes: string[] = [];
    for (let i = 0; i < count; i++) {
      if (i === count - 80) {
        const deadline = performance.now() + 15_000;
        while (hook.node.mode !== 'gossip' && performance.now() < deadline) await new Promise((done) => setTimeout(done, 20));
      }
      hook.send(`stream ${i}`);
      modes.push(hook.node.mode);
      await new Promise((done) => setTimeout(done, 10));
    }
    return modes;
  }, COUNT);
  // Part way through, another tab switches the room to gossip from its mode switch.
  await sender.waitForFunction(() => window.meshcastDemo!.sent.length >= 60);
  await switchMode(switcher, 'gossip');
  const modes = await streaming;

  expect(modes.slice(0, 60).every((m) => m === 'flood'), 'the stream started in flood').toBe(true);
  expect(modes.at(-1), 'the sender was switched to gossip before the stream ended').toBe('gossip');
  const ids = await sender.evaluate(() => window.meshcastDemo!.sent.map((r) => r.id));
  expect(ids).toHaveLength(COUNT);

  await waitDelivered(receivers, ids);
  await expectRoomMode(tabs, 'gossip');
  const fence = await sender.evaluate(() => window.meshcastDemo!.send('fence'));
  await waitDelivered(receivers, [fence]);
  for (const [t, tab] of receivers.entries()) {
    const counts = await deliveryCounts(tab);
    const twice = ids.filter((id) => (counts.get(id) ?? 0) > 1);
    expect(twice, `tab ${t + 1}: no stream message delivered twice`).toEqual([]);
    expect(ids.filter((id) => counts.get(id) === 1), `tab ${t + 1}: every stream message once`).toHaveLength(COUNT);
  }
});
