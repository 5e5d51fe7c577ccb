/**
 * A SeenStore of the user's own (README: `dedup` takes one) in its simplest form — string keys, add()
 * returning nothing, no hasId/addId — still dedups correctly in both relays; and the id helpers refuse
 * ids of the wrong shape.
 */
import { describe, expect, it } from 'vitest';
import { MemorySeenStore } from '../../src/dedup/memory.js';
import { FloodRouter } from '../../src/relay/flood.js';
import { GossipProtocol } from '../../src/relay/gossip.js';
import { safeMessageKey } from '../../src/relay/message.js';
import type { SeenStore } from '../../src/relay/types.js';
import { msgFrame, recordingEnv } from '../helpers/recording-env.js';

class PlainSeenStore implements SeenStore {
  readonly keys = new Map<string, number>();
  has(key: string): boolean {
    return this.keys.has(key);
  }
  add(key: string, now: number): void {
    this.keys.set(key, now);
  }
  prune(): number {
    return 0;
  }
  get size(): number {
    return this.keys.size;
  }
}

describe('a SeenStore with only has/add (add returning nothing)', () => {
  it('FloodRouter delivers each message once', () => {
    const seen = new PlainSeenStore();
    const flood = new FloodRouter({ env: recordingEnv('me'), seen });
    flood.addPeer('a');
    expect(flood.accept(msgFrame(1), 'a')).toBe('new');
    expect(flood.accept(msgFrame(1), 'a')).toBe('duplicate');
    expect(flood.accept(msgFrame(2), 'a')).toBe('new');
    expect(seen.size).toBe(2);
  });

  it('GossipProtocol delivers each message once', () => {
    const seen = new PlainSeenStore();
    const gossip = new GossipProtocol({ env: recordingEnv('me'), seen });
    gossip.addPeer('a');
    const delivered: string[] = [];
    gossip.onMessage((m) => delivered.push(m.key));
    expect(gossip.receiveMessage(msgFrame(1), 'a')).toBe(true);
    expect(gossip.receiveMessage(msgFrame(1), 'a')).toBe(false);
    expect(delivered).toHaveLength(1);
    expect(seen.has(delivered[0]!)).toBe(true);
  });
});

describe('id shape checks', () => {
  it('the seen store refuses ids that are not 16 bytes; safeMessageKey answers undefined for them', () => {
    const store = new MemorySeenStore();
    expect(() => store.addId(new Uint8Array(4), 0)).toThrow(RangeError);
    expect(() => store.hasId(new Uint8Array(17))).toThrow(RangeError);
    expect(store.size).toBe(0);
    expect(safeMessageKey(undefined as unknown as Uint8Array)).toBeUndefined();
    expect(safeMessageKey(new Uint8Array(15))).toBeUndefined();
    expect(safeMessageKey(new Uint8Array(16))).toBe('0'.repeat(32));
  });
});
