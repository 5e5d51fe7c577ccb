/**
 * A mixed mesh: two TCP-only `meshcast peer` processes, a third that links to them over TCP and bridges
 * into the browser room over WebRTC, and demo tabs in that room.
 * A line typed into a TCP-only peer reaches every tab; a tab's message reaches both TCP-only peers.
 */
import { CliProcess } from './cli-process.js';
import { deliveredOf, DELIVERY_TIMEOUT_MS, expect, MESH_TIMEOUT_MS, test, waitForMesh } from './demo-harness.js';

const READY = /^ready (\S+) (\S+)$/;

/** Starts `meshcast peer` with `args` and waits for its `ready <id> <address>` line. */
async function startPeer(name: string, args: string[], peers: CliProcess[]): Promise<{ proc: CliProcess; id: string; address: string }> {
  const proc = CliProcess.start(name, ['peer', '--listen', '127.0.0.1:0', ...args]);
  peers.push(proc);
  const [, id, address] = await proc.waitForLine(READY, MESH_TIMEOUT_MS);
  return { proc, id: id!, address: address! };
}

/** The `message <origin> <id> <json>` lines of `proc` whose text is `text`. */
function messageLines(proc: CliProcess, text: string): { origin: string; id: string }[] {
  return proc
    .matching(/^message (\S+) (\S+) (.*)$/)
    .filter((m) => JSON.parse(m[3]!) === text)
    .map((m) => ({ origin: m[1]!, id: m[2]! }));
}

test('two TCP peers and a WebRTC bridge: a TCP-only peer reaches every tab, a tab reaches the TCP-only peers', async ({ demo, signal }) => {
  const processes: CliProcess[] = [];
  try {
    const hub = await startPeer('tcp peer 1', [], processes);
    const leaf = await startPeer('tcp peer 2', ['--connect', hub.address], processes);
    const bridge = await startPeer('bridge', ['--connect', hub.address, '--room', demo.room, '--signaling', signal.wsUrl], processes);
    for (const { id } of [leaf, bridge]) await hub.proc.waitForLine(new RegExp(`^peer connected ${id}$`), MESH_TIMEOUT_MS);
    expect(hub.proc.matching(/^peer connected /).length).toBeGreaterThanOrEqual(2);

    const tabs = await demo.open(3);
    await waitForMesh(tabs, 1);
    // The bridge is linked to at least one tab over WebRTC (the tabs list it as a connected server peer).
    await expect
      .poll(async () => {
        for (const tab of tabs) {
          const row = tab.locator(`#peer-list li[data-peer="${bridge.id}"]`);
          if ((await row.count()) > 0 && (await row.getAttribute('data-state')) === 'connected') return true;
        }
        return false;
      }, { timeout: MESH_TIMEOUT_MS, message: 'a tab shows the bridge connected' })
      .toBe(true);

    // From a TCP-only peer to every tab.
    const fromTcp = 'hello tabs, from a TCP-only peer';
    leaf.proc.type(fromTcp);
    const [, sentId] = await leaf.proc.waitForLine(/^sent (\S+)$/);
    for (const [i, tab] of tabs.entries()) {
      await expect
        .poll(async () => (await deliveredOf(tab)).filter((r) => r.id === sentId).length, {
          timeout: DELIVERY_TIMEOUT_MS,
          message: `tab ${i} delivered the TCP peer's message`,
        })
        .toBe(1);
      const record = (await deliveredOf(tab)).find((r) => r.id === sentId)!;
      expect(record).toMatchObject({ origin: leaf.id, text: fromTcp });
      await expect(tab.locator(`#messages li[data-id="${sentId}"]`)).toContainText(fromTcp);
    }

    // From a tab (through its chat box) to both TCP-only peers.
    const fromTab = 'hello servers, from a tab';
    await tabs[2]!.locator('#chat-input').fill(fromTab);
    await tabs[2]!.locator('#send').click();
    const tabId = await tabs[2]!.evaluate(() => window.meshcastDemo!.node.id);
    for (const { proc } of [hub, leaf]) {
      await expect
        .poll(() => messageLines(proc, fromTab).length, { timeout: DELIVERY_TIMEOUT_MS, message: `${proc.name} logged the tab's message` })
        .toBe(1);
      expect(messageLines(proc, fromTab)[0]!.origin).toBe(tabId);
    }
    // The TCP peer's own message is never delivered back to it, and reached the others once.
    expect(messageLines(leaf.proc, fromTcp)).toEqual([]);
    for (const { proc } of [hub, bridge]) expect(messageLines(proc, fromTcp)).toHaveLength(1);
  } finally {
    await Promise.all(processes.map((p) => p.stop()));
  }
});
