import { describe, expect, it } from 'vitest';
import { GossipProtocol } from '../../src/relay/gossip.js';
import { DEFAULT_GOSSIP_OPTIONS, resolveGossipOptions } from '../../src/relay/gossip-options.js';
import { DEFAULT_GOSSIP_LIMITS } from '../../src/relay/limits.js';

describe('gossip options', () => {
  it('defaults are the seed design\'s for the seed\'s five knobs', () => {
    expect(DEFAULT_GOSSIP_OPTIONS).toMatchObject({
      fanout: 4,
      gossipInterval: 1000,
      maxMessageAge: 60_000,
      pruneInterval: 30_000,
      pushPullRatio: 0.7,
      adaptiveFanout: false,
    });
  });

  it('merges partial options and partial limits over the defaults', () => {
    const o = resolveGossipOptions({ fanout: 6, limits: { maxMissingIds: 10 } });
    expect(o.fanout).toBe(6);
    expect(o.gossipInterval).toBe(DEFAULT_GOSSIP_OPTIONS.gossipInterval);
    expect(o.limits).toEqual({ ...DEFAULT_GOSSIP_LIMITS, maxMissingIds: 10 });
    expect(resolveGossipOptions({ fanout: undefined }).fanout).toBe(4);
  });

  it('rejects out-of-range values with a RangeError naming the option', () => {
    expect(() => resolveGossipOptions({ fanout: 0 })).toThrow(/fanout/);
    expect(() => resolveGossipOptions({ fanout: 2.5 })).toThrow(/fanout/);
    expect(() => resolveGossipOptions({ pushPullRatio: 1.5 })).toThrow(/pushPullRatio/);
    expect(() => resolveGossipOptions({ gossipInterval: Number.NaN })).toThrow(/gossipInterval/);
    expect(() => resolveGossipOptions({ limits: { maxCachedMessages: 0 } })).toThrow(/maxCachedMessages/);
    expect(resolveGossipOptions({ lazyFanout: Infinity }).lazyFanout).toBe(Infinity);
  });

  it('new GossipProtocol() with no arguments gets a real clock, a seeded random and a random id', () => {
    const a = new GossipProtocol();
    const b = new GossipProtocol();
    expect(a.localId).toMatch(/^gossip-[0-9a-f]{16}$/);
    expect(a.localId).not.toBe(b.localId);
    const sent: string[] = [];
    a.onForward((frame, to) => {
      sent.push(`${frame.kind}->${to.join(',')}`);
    });
    a.addPeer('p');
    a.start();
    a.broadcast(new Uint8Array([1]));
    a.stop();
    expect(sent).toEqual(['msg->p']);
    expect(a.getStats()).toMatchObject({ broadcasts: 1, peerCount: 1 });
  });
});
