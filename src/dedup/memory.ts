/**
 * MemorySeenStore: the in-memory dedup set every relay uses on its hot path, and the front of the
 * persistent stores. A Set answers has/add; a queue in insertion order (time order when the clock is
 * monotonic) lets expiry and oldest-first eviction work from the head in amortised O(1).
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
  private readonly keys = new Set<string>();
  /**
   * Every key of `keys` with the time it was first seen, in insertion order, as two parallel queues read
   * from `head` (invariant: exactly the live entries). Expiry and eviction pop from here. Iterating the
   * Set for that cannot work: deleted entries stay in V8's table as holes until it rehashes and every new
   * iterator walks them again, so popping the head of a full table cost O(size) per add (measured: 20 µs
   * per message once past maxEntries, against under 1 µs with the queue).
   */
  private queueKeys: string[] = [];
  private queueTimes: number[] = [];
  private head = 0;
  private expiredCount = 0;
  private evictedCount = 0;

  constructor(options: MemorySeenStoreOptions = {}) {
    this.ttlMs = positiveOr(options.ttlMs, DEFAULT_SEEN_TTL_MS);
    this.maxEntries = Math.floor(positiveOr(options.maxEntries, DEFAULT_MAX_SEEN_ENTRIES));
  }

  get size(): number {
    return this.keys.size;
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  /**
   * Records `key` as seen at `now`. The first sighting wins (a repeat does not refresh the time), so
   * an id is remembered for ttlMs after it was first seen. Returns true when the key was new.
   */
  add(key: string, now: number): boolean {
    this.expireHead(now);
    const before = this.keys.size;
    this.keys.add(key); // one hash lookup for both "is it new?" and "remember it"
    if (this.keys.size === before) return false;
    this.queueKeys.push(key);
    this.queueTimes.push(now);
    while (this.keys.size > this.maxEntries) {
      this.popHead();
      this.evictedCount++;
    }
    return true;
  }

  /** Drops every entry older than the TTL (a full scan: it also catches out-of-order times). */
  prune(now: number): number {
    const cutoff = now - this.ttlMs;
    const keys: string[] = [];
    const times: number[] = [];
    let dropped = 0;
    for (let i = this.head; i < this.queueKeys.length; i++) {
      const key = this.queueKeys[i]!;
      const time = this.queueTimes[i]!;
      if (time <= cutoff) {
        this.keys.delete(key);
        dropped++;
      } else {
        keys.push(key);
        times.push(time);
      }
    }
    this.queueKeys = keys;
    this.queueTimes = times;
    this.head = 0;
    this.expiredCount += dropped;
    return dropped;
  }

  /** Live entries as [key, time first seen], oldest first (for persistent stores' snapshots). */
  snapshot(): Array<[string, number]> {
    const out: Array<[string, number]> = [];
    for (let i = this.head; i < this.queueKeys.length; i++) out.push([this.queueKeys[i]!, this.queueTimes[i]!]);
    return out;
  }

  clear(): void {
    this.keys.clear();
    this.queueKeys = [];
    this.queueTimes = [];
    this.head = 0;
  }

  getStats(): SeenStoreStats {
    return { size: this.keys.size, expired: this.expiredCount, evicted: this.evictedCount };
  }

  /** Cheap expiry on the hot path: pops expired entries off the head (each entry is popped once). */
  private expireHead(now: number): void {
    const cutoff = now - this.ttlMs;
    while (this.head < this.queueTimes.length && this.queueTimes[this.head]! <= cutoff) {
      this.popHead();
      this.expiredCount++;
    }
  }

  /** Forgets the oldest entry (the queue is never empty when this is called). */
  private popHead(): void {
    this.keys.delete(this.queueKeys[this.head]!);
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.queueKeys.length) {
      // Reclaim the popped prefix now and then: amortised O(1) per entry.
      this.queueKeys = this.queueKeys.slice(this.head);
      this.queueTimes = this.queueTimes.slice(this.head);
      this.head = 0;
    }
  }
}
