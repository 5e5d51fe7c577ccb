/** OriginTracker: the distinct recent origins behind the adaptive fanout's network-size estimate. */
import { describe, expect, it } from 'vitest';
import { ORIGIN_REFRESH_MS, OriginTracker, adaptiveFanout } from '../../src/relay/gossip-fanout.js';

describe('OriginTracker', () => {
  it('counts distinct origins, bounded by maxOrigins (the least recently seen goes first)', () => {
    const tracker = new OriginTracker(3);
    for (const [i, o] of ['a', 'b', 'c', 'd'].entries()) tracker.note(o, i * 10_000);
    expect(tracker.size).toBe(3);
    tracker.prune(60_000, 60_000);
    expect(tracker.size).toBe(3); // b, c, d are all within the age
    tracker.prune(80_001, 60_000);
    expect(tracker.size).toBe(1); // b (10 s) and c (20 s) are too old; d (30 s) stays
  });

  it('refreshes an origin at most once per ORIGIN_REFRESH_MS, so its age counts from that sighting', () => {
    const tracker = new OriginTracker(10);
    tracker.note('a', 0);
    tracker.note('a', ORIGIN_REFRESH_MS - 1); // too soon: still recorded at 0
    tracker.prune(60_000 + ORIGIN_REFRESH_MS - 1, 60_000);
    expect(tracker.size).toBe(0);
    tracker.note('a', 100_000);
    tracker.note('a', 100_000 + ORIGIN_REFRESH_MS); // refreshed
    tracker.prune(160_000 + ORIGIN_REFRESH_MS - 1, 60_000);
    expect(tracker.size).toBe(1);
  });

  it('adaptive fanout is ⌈ln N⌉ + c', () => {
    expect(adaptiveFanout(1, 1)).toBe(1);
    expect(adaptiveFanout(1000, 1)).toBe(8);
  });
});
