/**
 * The gossip's bounded store of recent messages: what iwant, graft and digest answers are served from,
 * and what lazy push and digests announce. Entries are kept in arrival order (the clock is monotonic),
 * so age expiry and oldest-first eviction work from the head, and the anti-entropy window is a scan
 * back from the tail.
 */
import type { MsgFrame, PeerId, Route } from '../wire/frames.js';

/**
 * What this node knows about a peer and one message (per cached message, per peer):
 * Announced — we sent it an ihave for the id (it may or may not have it); Sent — we sent it the msg (it
 * has it unless the frame was lost); Confirmed — it sent us the msg, an ihave or a digest listing it.
 */
export const Holding = { Announced: 1, Sent: 2, Confirmed: 3 } as const;
export type Holding = (typeof Holding)[keyof typeof Holding];

/**
 * Per cached message: what each peer holds (see Holding). A message meets a handful of peers (its
 * sender, the tree links, the lazy pushes), so one short array of [peer, holding, peer, holding, …]
 * scanned in order beats a Map per message (a hash table allocated, and kept, for every message).
 */
export class Holdings {
  private readonly pairs: Array<PeerId | Holding> = [];

  get size(): number {
    return this.pairs.length / 2;
  }

  get(peer: PeerId): Holding | undefined {
    const i = this.find(peer);
    return i < 0 ? undefined : (this.pairs[i + 1] as Holding);
  }

  has(peer: PeerId): boolean {
    return this.find(peer) >= 0;
  }

  set(peer: PeerId, holding: Holding): void {
    const i = this.find(peer);
    if (i >= 0) this.pairs[i + 1] = holding;
    else this.pairs.push(peer, holding);
  }

  private find(peer: PeerId): number {
    const p = this.pairs;
    for (let i = 0; i < p.length; i += 2) if (p[i] === peer) return i;
    return -1;
  }
}

export interface CachedMessage {
  readonly key: string;
  /** The frame as first received (or as broadcast): its encoding and payload are what we relay. */
  readonly frame: MsgFrame;
  /** The original payload when `frame` is deflated and it is known (inflated, or broadcast here). */
  raw: Uint8Array | undefined;
  /** The inflation in progress, shared by delivery and by transcoding for peers without deflate. */
  inflating: Promise<Uint8Array> | undefined;
  /** When this node first had it (clock ms). */
  readonly firstSeen: number;
  /** How the first copy came: 'push' along the tree, 'pull' on request, 'flood' outside the tree (or another path). */
  readonly firstRoute: Route;
  /** Copies that came pushed along the tree (route 'push'): a second one reveals a cycle. */
  pushCopies: number;
  /** Whether the lazy push has announced it. */
  announced: boolean;
  /** Per peer: what we know it has. Only peers in the peer table are recorded. */
  readonly holders: Holdings;
}

export interface MessageCacheLimits {
  maxMessages: number;
  maxBytes: number;
  maxAgeMs: number;
}

export class MessageCache {
  private readonly byKey = new Map<string, CachedMessage>();
  /** Arrival order; entries before `head` are gone (evicted, or expired). */
  private order: CachedMessage[] = [];
  private head = 0;
  /** Index in `order` before which every entry is announced (see firstUnannounced). */
  private announcedUpTo = 0;
  private bytes = 0;
  /** Entries dropped early because of maxMessages / maxBytes (not age). */
  evicted = 0;

  constructor(private readonly limits: MessageCacheLimits) {}

  get size(): number {
    return this.byKey.size;
  }

  get payloadBytes(): number {
    return this.bytes;
  }

  get(key: string): CachedMessage | undefined {
    return this.byKey.get(key);
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** Adds a message seen for the first time; returns the entry (the existing one if already cached). */
  add(
    key: string,
    frame: MsgFrame,
    now: number,
    firstRoute: Route,
    raw?: Uint8Array,
  ): CachedMessage {
    return this.byKey.get(key) ?? this.insert(key, frame, now, firstRoute, raw);
  }

  /** add() for a key the caller just found absent: saves the lookup on the per-message hot path. */
  insert(key: string, frame: MsgFrame, now: number, firstRoute: Route, raw?: Uint8Array): CachedMessage {
    const entry: CachedMessage = {
      key,
      frame,
      raw,
      inflating: undefined,
      firstSeen: now,
      firstRoute,
      pushCopies: firstRoute === 'push' ? 1 : 0,
      announced: false,
      holders: new Holdings(),
    };
    this.byKey.set(key, entry);
    this.order.push(entry);
    this.bytes += frame.payload.length + (raw?.length ?? 0);
    this.evictOverLimits();
    return entry;
  }

  /**
   * Keeps the inflated payload of a deflated entry (delivery and transcoding share it), counted in the
   * byte bound: a small deflated frame can inflate to maxInflatedBytes, and the cache must not hold
   * thousands of those uncounted. An entry already evicted does not keep it.
   */
  keepRaw(entry: CachedMessage, raw: Uint8Array): void {
    if (this.byKey.get(entry.key) !== entry || entry.raw !== undefined) return;
    entry.raw = raw;
    this.bytes += raw.length;
    this.evictOverLimits();
  }

  private evictOverLimits(): void {
    while (this.byKey.size > this.limits.maxMessages || (this.bytes > this.limits.maxBytes && this.byKey.size > 1)) {
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
    this.order[this.head] = undefined as unknown as CachedMessage;
    this.head++;
    // Entries leave only through here, and each key is in `order` once: no need to check the map first.
    this.byKey.delete(oldest.key);
    this.bytes -= oldest.frame.payload.length + (oldest.raw?.length ?? 0);
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.announcedUpTo = Math.max(0, this.announcedUpTo - this.head);
      this.head = 0;
    }
    return true;
  }
}
