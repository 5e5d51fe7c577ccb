/**
 * The gossip's bounded store of recent messages: what iwant, graft and digest answers are served from,
 * and what lazy push and digests announce. Entries are kept in arrival order (the clock is monotonic),
 * so age expiry and oldest-first eviction work from the head, and the anti-entropy window is a scan
 * back from the tail.
 */
import { IdTable, IdWords } from '../core/id-table.js';
import type { MessageId, MsgFrame, Route } from '../wire/frames.js';
import { CacheEntry, type CachedMessage } from './gossip-cache-entry.js';

export { Holding, Holdings, type CachedMessage } from './gossip-cache-entry.js';

export interface MessageCacheLimits {
  maxMessages: number;
  maxBytes: number;
  maxAgeMs: number;
}

/** Released entries kept for reuse. */
const MAX_FREE_ENTRIES = 64;

export class MessageCache {
  /** id → absolute position of its entry (see `order`). */
  private readonly index = new IdTable();
  private readonly w = new IdWords();
  /**
   * Arrival order; entries before `head` are gone (evicted, or expired). Entry order[i] has absolute
   * position i + `dropped`: positions stay valid when the array's dead prefix is cut off.
   */
  private order: CacheEntry[] = [];
  private readonly free: CacheEntry[] = [];
  private dropped = 0;
  private head = 0;
  /** Index in `order` before which every entry is announced (see firstUnannounced). */
  private announcedUpTo = 0;
  private bytes = 0;
  /** Entries dropped early because of maxMessages / maxBytes (not age). */
  evicted = 0;

  constructor(private readonly limits: MessageCacheLimits) {}

  get size(): number {
    return this.index.size;
  }

  get payloadBytes(): number {
    return this.bytes;
  }

  /** The entry of a message id (16 bytes; callers check ids from the network first). */
  get(id: MessageId): CachedMessage | undefined {
    const at = this.index.get(this.w.fromId(id));
    return at < 0 ? undefined : this.order[at - this.dropped];
  }

  has(id: MessageId): boolean {
    return this.index.has(this.w.fromId(id));
  }

  /** Adds a message seen for the first time; returns the entry (the existing one if already cached). */
  add(frame: MsgFrame, now: number, firstRoute: Route, raw?: Uint8Array): CachedMessage {
    return this.insertNew(frame, now, firstRoute, raw) ?? (this.get(frame.id) as CachedMessage);
  }

  /**
   * Adds a message unless its id is cached already (then: undefined, nothing changed) — "new?" and the
   * insertion in one probe, for the per-message hot path.
   */
  insertNew(frame: MsgFrame, now: number, firstRoute: Route, raw?: Uint8Array): CachedMessage | undefined {
    if (!this.index.add(this.w.fromId(frame.id), this.dropped + this.order.length)) return undefined;
    const entry = (this.free.pop() ?? new CacheEntry()).fill(frame, this.w, raw, now, firstRoute);
    this.order.push(entry);
    this.bytes += frame.payload.length + (raw?.length ?? 0);
    this.evictOverLimits();
    return entry;
  }

  /**
   * Keeps the inflated payload of a deflated entry (delivery and transcoding share it), counted in the
   * byte bound: a small deflated frame can inflate to maxInflatedBytes, and the cache must not hold
   * thousands of those uncounted. `generation` is the entry's when the inflation started: an entry evicted
   * since (and maybe reused for another message) does not keep it.
   */
  keepRaw(entry: CachedMessage, raw: Uint8Array, generation: number): void {
    if (entry.generation !== generation || entry.raw !== undefined) return;
    (entry as CacheEntry).raw = raw;
    this.bytes += raw.length;
    this.evictOverLimits();
  }

  private evictOverLimits(): void {
    while (this.index.size > this.limits.maxMessages || (this.bytes > this.limits.maxBytes && this.index.size > 1)) {
      if (!this.dropHead()) break;
      this.evicted++;
    }
  }

  /** Drops entries older than maxAgeMs; returns how many. */
  expire(now: number): number {
    let dropped = 0;
    for (;;) {
      const oldest = this.order[this.head];
      if (oldest === undefined || now - oldest.firstSeen <= this.limits.maxAgeMs) break;
      this.dropHead();
      dropped++;
    }
    return dropped;
  }

  /**
   * Cached entries with from ≤ firstSeen ≤ to, newest first, at most `max` of them. The scan stops at
   * the first entry older than `from`, so it costs the size of the window, not of the cache.
   */
  window(from: number, to: number, max: number): CachedMessage[] {
    const out: CachedMessage[] = [];
    for (let i = this.order.length - 1; i >= this.head && out.length < max; i--) {
      const entry = this.order[i] as CachedMessage;
      if (entry.firstSeen < from) break;
      if (entry.firstSeen <= to) out.push(entry);
    }
    return out;
  }

  /** Entries not yet announced with firstSeen ≤ `upTo`, oldest first; marks them announced. */
  takeUnannounced(upTo: number, max: number): CachedMessage[] {
    const out: CachedMessage[] = [];
    for (let i = this.firstUnannounced(); i < this.order.length && out.length < max; i++) {
      const entry = this.order[i] as CachedMessage;
      if (entry.firstSeen > upTo) break;
      entry.announced = true;
      out.push(entry);
    }
    return out;
  }

  /** When the oldest entry not yet announced arrived (undefined: none). */
  oldestUnannouncedAt(): number | undefined {
    return this.order[this.firstUnannounced()]?.firstSeen;
  }

  /**
   * Entries are announced oldest first, so the unannounced ones are a suffix of `order`, starting at a
   * cursor that only moves forward: O(1) per call (a backwards scan made every message cost as many steps
   * as messages were waiting to be announced, quadratic under load).
   */
  private firstUnannounced(): number {
    if (this.announcedUpTo < this.head) this.announcedUpTo = this.head;
    while (this.announcedUpTo < this.order.length && (this.order[this.announcedUpTo] as CachedMessage).announced) {
      this.announcedUpTo++;
    }
    return this.announcedUpTo;
  }

  private dropHead(): boolean {
    const oldest = this.order[this.head];
    if (oldest === undefined) return false;
    this.order[this.head] = undefined as unknown as CacheEntry;
    this.head++;
    // Entries leave only through here, and each id is in `order` once: no need to check the index first.
    const w = this.w;
    w.a = oldest.a;
    w.b = oldest.b;
    w.c = oldest.c;
    w.d = oldest.d;
    this.index.delete(w);
    this.bytes -= oldest.payloadLength + (oldest.raw?.length ?? 0);
    oldest.release();
    if (this.free.length < MAX_FREE_ENTRIES) this.free.push(oldest);
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.dropped += this.head;
      this.announcedUpTo = Math.max(0, this.announcedUpTo - this.head);
      this.head = 0;
    }
    return true;
  }
}
