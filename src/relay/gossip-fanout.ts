/**
 * Adaptive fanout: with N nodes, ⌈ln N⌉ + c random targets per round make an epidemic reach everyone
 * with high probability (Kermarrec, Massoulié, Ganesh 2003), so the fanout can follow the network's size.
 *
 * The size estimate N is the largest of three lower bounds, all cheap and local:
 * - the neighbour count + 1 (this node and the peers it knows);
 * - the number of distinct origins whose messages arrived within maxMessageAge — a gossip-based
 *   estimate that grows with the set of active broadcasters, at no cost in extra frames;
 * - a hint from the host (e.g. the membership layer's view size), when it has a better one.
 */
export function adaptiveFanout(networkSize: number, constant: number): number {
  return Math.ceil(Math.log(Math.max(1, networkSize))) + constant;
}

/** How stale an origin's recorded last sighting may get before a new sighting refreshes it (ms). */
export const ORIGIN_REFRESH_MS = 1_000;

/** Distinct recent origins, bounded (oldest sighting dropped first), for the network-size estimate. */
export class OriginTracker {
  /** origin → last time one of its messages arrived, in last-sighting order. */
  private readonly lastSeen = new Map<string, number>();

  constructor(private readonly maxOrigins: number) {}

  get size(): number {
    return this.lastSeen.size;
  }

  note(origin: string, now: number): void {
    // Once per message on the hot path: a sighting under a second after the recorded one changes nothing
    // the estimate needs (a window of maxMessageAge), so it costs one lookup instead of a delete and a set.
    const last = this.lastSeen.get(origin);
    if (last !== undefined && now - last < ORIGIN_REFRESH_MS && now >= last) return;
    this.lastSeen.delete(origin);
    this.lastSeen.set(origin, now);
    if (this.lastSeen.size > this.maxOrigins) {
      const oldest = this.lastSeen.keys().next();
      if (!oldest.done) this.lastSeen.delete(oldest.value);
    }
  }

  /** Forgets origins not heard from within `maxAgeMs`. */
  prune(now: number, maxAgeMs: number): void {
    for (const [origin, at] of this.lastSeen) {
      if (now - at <= maxAgeMs) break;
      this.lastSeen.delete(origin);
    }
  }
}

export function estimateNetworkSize(peerCount: number, recentOrigins: number, hint: number): number {
  return Math.max(peerCount + 1, recentOrigins, hint);
}
