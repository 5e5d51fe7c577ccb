/**
 * The gossip's message cache: bounded by count, bytes and age — the inflated copies of deflated payloads
 * included, since a small deflated frame can inflate to maxInflatedBytes.
 */
import { describe, expect, it } from 'vitest';
import { MessageCache } from '../../src/relay/gossip-message-cache.js';
import type { MsgFrame } from '../../src/wire/frames.js';

function frame(i: number, payloadBytes: number): MsgFrame {
  const id = new Uint8Array(16);
  id[15] = i;
  return { kind: 'msg', id, origin: 'o', seq: i, hops: 0, priority: 'normal', route: 'push', encoding: 'deflate', payload: new Uint8Array(payloadBytes) };
}

describe('gossip message cache bounds', () => {
  it('counts inflated payloads in the byte bound and evicts the oldest entries past it', () => {
    const cache = new MessageCache({ maxMessages: 100, maxBytes: 10_000, maxAgeMs: 60_000 });
    const frames = [0, 1, 2].map((i) => frame(i, 100));
    const entries = frames.map((f) => cache.add(f, 0, 'push'));
    expect(cache.has(frames[0]!.id)).toBe(true);
    // Each 100-byte deflated payload inflates to 4 KB: the third inflation breaks the 10 KB bound.
    for (const e of entries) cache.keepRaw(e, new Uint8Array(4_000), e.generation);
    expect(cache.has(frames[0]!.id)).toBe(false);
    expect(cache.has(frames[2]!.id)).toBe(true);
  });

  it('does not keep an inflated payload for an entry it already evicted', () => {
    const cache = new MessageCache({ maxMessages: 1, maxBytes: 10_000, maxAgeMs: 60_000 });
    const old = cache.add(frame(0, 10), 0, 'push');
    const generation = old.generation;
    cache.add(frame(1, 10), 0, 'push');
    cache.keepRaw(old, new Uint8Array(5_000), generation);
    expect(old.raw).toBeUndefined();
  });

  it('reuses an evicted entry for a later message, and a late inflation of the old one leaves it alone', () => {
    const cache = new MessageCache({ maxMessages: 1, maxBytes: 10_000, maxAgeMs: 60_000 });
    const first = cache.add(frame(0, 10), 0, 'push');
    const generation = first.generation;
    cache.add(frame(1, 10), 0, 'push'); // evicts frame 0: its entry is released to the pool
    expect(cache.has(frame(0, 10).id)).toBe(false);
    const third = cache.add(frame(2, 10), 0, 'push'); // evicts frame 1, reuses frame 0's entry object
    expect(third).toBe(first);
    expect(third.frame.seq).toBe(2);
    expect(cache.get(frame(2, 10).id)).toBe(third);
    cache.keepRaw(first, new Uint8Array(500), generation); // the inflation of frame 0, resolving late
    expect(third.raw).toBeUndefined();
  });
});
