/**
 * The point of the persistent stores: a MessageRelay restarted on a reloaded store (a reloaded tab, a
 * restarted process) does not deliver again what it delivered before. IndexedDB here is fake-indexeddb
 * (vitest runs in Node, which has no IndexedDB); the real one is covered by e2e/seen-store.spec.ts.
 */
import 'fake-indexeddb/auto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IndexedDbSeenStore } from '../../src/dedup/indexeddb.js';
import type { WriteBehindSeenStore } from '../../src/dedup/write-behind.js';
import { FileSeenStore } from '../../src/node/file-seen-store.js';
import { MessageRelay } from '../../src/relay/message-relay.js';
import { RELAY_MODES } from '../../src/wire/frames.js';
import { messageIdToKey } from '../../src/wire/ids.js';
import { ManualClock } from '../helpers/manual-clock.js';
import { msgFrame, recordingEnv, testId } from '../helpers/recording-env.js';

async function deliveredAcrossRestart(open: (clock: ManualClock) => WriteBehindSeenStore): Promise<number[]> {
  const clock = new ManualClock();
  const counts: number[] = [];
  for (const mode of ['hybrid', 'gossip'] as const) {
    const seen = open(clock);
    await seen.load();
    const env = { ...recordingEnv('me'), clock };
    const relay = new MessageRelay({ env, mode, seen });
    relay.addPeer('a');
    let delivered = 0;
    relay.onMessage(() => delivered++);
    // The same three messages arrive in both lifetimes; only the first lifetime may deliver them.
    for (const n of [1, 2, 3]) relay.receiveFrame('a', msgFrame(n, { route: 'push' }));
    counts.push(delivered);
    await seen.close();
    clock.advance(1_000);
  }
  return counts;
}

describe('MessageRelay on a persistent seen store', () => {
  it('IndexedDbSeenStore (fake-indexeddb): a reloaded tab does not deliver again', async () => {
    const counts = await deliveredAcrossRestart((clock) => new IndexedDbSeenStore({ dbName: 'relay-restart', clock }));
    expect(counts).toEqual([3, 0]);
  });

  it('FileSeenStore: a restarted process does not deliver again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meshcast-relay-seen-'));
    try {
      const counts = await deliveredAcrossRestart((clock) => new FileSeenStore({ path: join(dir, 'seen.log'), clock }));
      expect(counts).toEqual([3, 0]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('the relay modes all share the injected store', () => {
    for (const mode of RELAY_MODES) {
      const seen = new IndexedDbSeenStore({ dbName: `relay-modes-${mode}`, clock: new ManualClock() });
      const relay = new MessageRelay({ env: recordingEnv('me'), mode, seen });
      relay.addPeer('a');
      relay.receiveFrame('a', msgFrame(1, { route: mode === 'flood' ? 'flood' : 'push' }));
      expect(seen.has(messageIdToKey(testId(1)))).toBe(true);
      expect(seen.size).toBe(1);
    }
  });
});
