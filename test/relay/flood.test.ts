import { describe, expect, it } from 'vitest';
import { MemorySeenStore } from '../../src/dedup/memory.js';
import { FloodRouter } from '../../src/relay/flood.js';
import { DEFAULT_FLOOD_HOP_LIMIT } from '../../src/relay/limits.js';
import type { DeliveredMessage } from '../../src/relay/types.js';
import type { MsgFrame } from '../../src/wire/frames.js';
import { msgFrame, recordingEnv } from '../helpers/recording-env.js';

function router(peers: string[], hopLimit?: number) {
  const env = recordingEnv('me');
  const seen = new MemorySeenStore();
  const flood = new FloodRouter({ env, seen, ...(hopLimit === undefined ? {} : { hopLimit }) });
  for (const p of peers) flood.addPeer(p);
  const delivered: DeliveredMessage[] = [];
  flood.onMessage((m) => delivered.push(m));
  return { env, seen, flood, delivered };
}

describe('FloodRouter', () => {
  it('uses the named default hop limit', () => {
    expect(router([]).flood.hopLimit).toBe(DEFAULT_FLOOD_HOP_LIMIT);
  });

  it('forwards a new message to every peer but the sender, one hop further, route flood', () => {
    const { env, flood, delivered } = router(['a', 'b', 'c']);
    expect(flood.receiveMessage(msgFrame(1, { hops: 2, route: 'push' }), 'a')).toBe(true);
    expect(delivered.map((m) => [m.key.slice(-2), m.from, m.hops])).toEqual([['01', 'a', 2]]);
    const sent = env.take();
    expect(sent.map((s) => s.to).sort()).toEqual(['b', 'c']);
    for (const { frame } of sent) expect(frame).toMatchObject({ kind: 'msg', hops: 3, route: 'flood' });
  });

  it('delivers once and drops (and counts) the same message replayed by many peers, without growth', () => {
    const { env, seen, flood, delivered } = router(['a', 'b', 'c', 'd']);
    const peers = ['a', 'b', 'c', 'd'];
    for (let i = 0; i < 1_000; i++) flood.receiveMessage(msgFrame(7), peers[i % 4] as string);
    expect(delivered).toHaveLength(1);
    expect(flood.getStats()).toMatchObject({ received: 1_000, accepted: 1, duplicates: 999 });
    expect(seen.size).toBe(1);
    expect(env.take()).toHaveLength(3); // forwarded once only
  });

  it('drops and counts a frame past the hop limit, without marking it seen', () => {
    const { env, seen, flood, delivered } = router(['a', 'b'], 4);
    expect(flood.receiveMessage(msgFrame(1, { hops: 5 }), 'a')).toBe(false);
    expect(flood.getStats().hopLimitDropped).toBe(1);
    expect(delivered).toHaveLength(0);
    expect(seen.size).toBe(0);
    expect(env.take()).toHaveLength(0);
    // The same message by a shorter path is still welcome.
    expect(flood.receiveMessage(msgFrame(1, { hops: 2 }), 'b')).toBe(true);
  });

  it('delivers a frame at the hop limit but does not forward it', () => {
    const { env, flood, delivered } = router(['a', 'b'], 4);
    expect(flood.receiveMessage(msgFrame(1, { hops: 4 }), 'a')).toBe(true);
    expect(delivered).toHaveLength(1);
    expect(env.take()).toHaveLength(0);
    expect(flood.getStats().hopLimitStopped).toBe(1);
  });

  it('drops and counts a frame with a malformed id', () => {
    const { flood, delivered } = router(['a']);
    const bad: MsgFrame = { ...msgFrame(1), id: new Uint8Array(3) };
    expect(flood.receiveMessage(bad, 'a')).toBe(false);
    expect(flood.getStats().invalid).toBe(1);
    expect(delivered).toHaveLength(0);
  });

  it('broadcast marks its own message seen and floods it with hops 1; an echo is a duplicate', () => {
    const { env, flood, delivered } = router(['a', 'b']);
    flood.broadcast(new Uint8Array([9]), { priority: 'critical' });
    const sent = env.take();
    expect(sent.map((s) => s.to).sort()).toEqual(['a', 'b']);
    const out = sent[0]?.frame as MsgFrame;
    expect(out).toMatchObject({ origin: 'me', hops: 1, priority: 'critical', route: 'flood' });
    expect(flood.receiveMessage(out, 'a')).toBe(false);
    expect(delivered).toHaveLength(0);
  });

  it('forgets removed peers', () => {
    const { env, flood } = router(['a', 'b']);
    flood.removePeer('b');
    flood.receiveMessage(msgFrame(1), 'a');
    expect(env.take()).toHaveLength(0);
    expect(flood.peerCount).toBe(1);
  });
});
