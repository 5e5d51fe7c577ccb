/**
 * MemorySeenStore: the in-memory dedup set every relay uses on its hot path, and the front of the
 * persistent stores. A Map keeps insertion order, which is time order when the clock is monotonic, so
 * expiry and oldest-first eviction both work from the head in amortised O(1).
 */
import type { SeenStore } from '../relay/types.js';
import { DEFAULT_MAX_SEEN_ENTRIES, DEFAULT_SEEN_TTL_MS } from './limits.js';

export interface MemorySeenStoreOptions {
  /** How long an id is remembered (ms). Default DEFAULT_SEEN_TTL_MS (the gossip's maxMessageAge). */
  ttlMs?: number;
  /** Most ids remembered; the oldest go first past it. Default DEFAULT_MAX_SEEN_ENTRIES. */
  maxEntries?: number;
}

export interface SeenStoreStats {
  size: number;
  /** Ids dropped because they outlived the TTL. */
  expired: number;
  /** Ids dropped early because the store was full (maxEntries). */
  evicted: number;
}

function positiveOr(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

export class MemorySeenStore implements SeenStore {
  readonly ttlMs: number;
  readonly maxEntries: number;
  /** key → time first seen, in insertion order. */
  private readonly entries = new Map<string, number>();
  private expiredCount = 0;
  private evictedCount = 0;

  constructor(options: MemorySeenStoreOptions = {}) {
    this.ttlMs = positiveOr(options.ttlMs, DEFAULT_SEEN_TTL_MS);
    this.maxEntries = Math.floor(positiveOr(options.maxEntries, DEFAULT_MAX_SEEN_ENTRIES));
  }

  get size(): number {
    return this.entries.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /**
   * Records `key` as seen at `now`. The first sighting wins (a repeat does not refresh the time), so
   * an id is remembered for ttlMs after it was first seen. Returns true when the key was new.
   */
  add(key: string, now: number): boolean {
    this.expireHead(now);
    if (this.entries.has(key)) return false;
    this.entries.set(key, now);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
      this.evictedCount++;
    }
    return true;
  }

  /** Drops every entry older than the TTL (a full scan: it also catches out-of-order times). */
  prune(now: number): number {
    const cutoff = now - this.ttlMs;
    let dropped = 0;
    for (const [key, time] of this.entries) {
      if (time <= cutoff) {
        this.entries.delete(key);
        dropped++;
      }
    }
    this.expiredCount += dropped;
    return dropped;
  }

  /** Live entries as [key, time first seen], oldest first (for persistent stores' snapshots). */
  snapshot(): Array<[string, number]> {
    return [...this.entries];
  }

  clear(): void {
    this.entries.clear();
  }

  getStats(): SeenStoreStats {
    return { size: this.entries.size, expired: this.expiredCount, evicted: this.evictedCount };
  }

  /** Cheap expiry on the hot path: pops expired entries off the head (each entry is popped once). */
  private expireHead(now: number): void {
    const cutoff = now - this.ttlMs;
    for (const [key, time] of this.entries) {
      if (time > cutoff) return;
      this.entries.delete(key);
      this.expiredCount++;
    }
  }
}
