/**
 * MemorySeenStore: the in-memory dedup set every relay uses on its hot path, and the front of the
 * persistent stores. Message ids live in an IdTable (typed arrays: no string and no object per id, see
 * core/id-table.ts); any other key (the SeenStore interface takes strings) in a Set beside it. A queue in
 * insertion order (time order when the clock is monotonic) lets expiry and oldest-first eviction work
 * from the head in amortised O(1).
 */
import { IdTable, IdWords } from '../core/id-table.js';
import type { MessageId } from '../wire/frames.js';
import { messageIdToKey } from '../wire/ids.js';
import { MESSAGE_ID_BYTES } from '../wire/limits.js';
import type { SeenStore } from '../relay/types.js';
import { DEFAULT_MAX_SEEN_ENTRIES, DEFAULT_SEEN_TTL_MS } from './limits.js';
import { SeenQueue } from './seen-queue.js';

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
  private readonly ids = new IdTable({ values: false });
  /** Keys that are not 32 lowercase hex digits (messageIdToKey's form). */
  private readonly others = new Set<string>();
  /** Every entry, oldest first (invariant: exactly what `ids` and `others` hold). */
  private readonly queue = new SeenQueue();
  /** Scratch for the id being looked up, and one for the entry being popped. */
  private readonly w = new IdWords();
  private readonly popped = new IdWords();
  private expiredCount = 0;
  private evictedCount = 0;

  constructor(options: MemorySeenStoreOptions = {}) {
    this.ttlMs = positiveOr(options.ttlMs, DEFAULT_SEEN_TTL_MS);
    this.maxEntries = Math.floor(positiveOr(options.maxEntries, DEFAULT_MAX_SEEN_ENTRIES));
  }

  get size(): number {
    return this.queue.length;
  }

  has(key: string): boolean {
    return this.w.fromKey(key) ? this.ids.has(this.w) : this.others.has(key);
  }

  /** has() by the raw 16-byte id, without building its key. */
  hasId(id: MessageId): boolean {
    return this.ids.has(this.w.fromId(checkedId(id)));
  }

  /**
   * Records `key` as seen at `now`. The first sighting wins (a repeat does not refresh the time), so
   * an id is remembered for ttlMs after it was first seen. Returns true when the key was new.
   */
  add(key: string, now: number): boolean {
    if (this.w.fromKey(key)) return this.addWords(now);
    this.expireHead(now);
    const before = this.others.size;
    this.others.add(key);
    if (this.others.size === before) return false;
    this.queue.push(this.w, key, now);
    this.evictOverMax();
    return true;
  }

  /** add() by the raw 16-byte id, without building its key. */
  addId(id: MessageId, now: number): boolean {
    this.w.fromId(checkedId(id));
    return this.addWords(now);
  }

  /** Drops every entry older than the TTL (a full scan: it also catches out-of-order times). */
  prune(now: number): number {
    const cutoff = now - this.ttlMs;
    let dropped = 0;
    this.queue.filter((n) => {
      if (this.queue.timeAt(n) > cutoff) return true;
      this.forget(this.queue.at(n, this.popped));
      dropped++;
      return false;
    });
    this.expiredCount += dropped;
    return dropped;
  }

  /** Live entries as [key, time first seen], oldest first (for persistent stores' snapshots). */
  snapshot(): Array<[string, number]> {
    const out: Array<[string, number]> = [];
    for (let n = 0; n < this.queue.length; n++) {
      const other = this.queue.at(n, this.popped);
      out.push([other ?? messageIdToKey(this.popped.toId()), this.queue.timeAt(n)]);
    }
    return out;
  }

  clear(): void {
    this.ids.clear();
    this.others.clear();
    this.queue.clear();
  }

  getStats(): SeenStoreStats {
    return { size: this.queue.length, expired: this.expiredCount, evicted: this.evictedCount };
  }

  /** add() of the id in `this.w`. */
  private addWords(now: number): boolean {
    this.expireHead(now); // may use `popped`, never `w`
    if (!this.ids.set(this.w, 0)) return false; // one probe answers "new?" and records it
    this.queue.push(this.w, undefined, now);
    this.evictOverMax();
    return true;
  }

  private evictOverMax(): void {
    while (this.queue.length > this.maxEntries) {
      this.forget(this.queue.shift(this.popped));
      this.evictedCount++;
    }
  }

  /** Cheap expiry on the hot path: pops expired entries off the head (each entry is popped once). */
  private expireHead(now: number): void {
    const cutoff = now - this.ttlMs;
    while (this.queue.length > 0 && this.queue.headTime() <= cutoff) {
      this.forget(this.queue.shift(this.popped));
      this.expiredCount++;
    }
  }

  /** Removes a popped entry from its table: `other` for a non-id key, else the id in `popped`. */
  private forget(other: string | undefined): void {
    if (other === undefined) this.ids.delete(this.popped);
    else this.others.delete(other);
  }
}

/** Ids are 16 bytes; a shorter array would be read as zero-padded (and equal the all-zero id). */
function checkedId(id: MessageId): MessageId {
  if (id.length !== MESSAGE_ID_BYTES) throw new RangeError(`a message id is ${MESSAGE_ID_BYTES} bytes`);
  return id;
}
