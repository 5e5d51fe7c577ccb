/**
 * The gossip's bounded store of recent messages: what iwant, graft and digest answers are served from,
 * and what lazy push and digests announce. Entries are kept in arrival order (the clock is monotonic),
 * so age expiry and oldest-first eviction work from the head, and the anti-entropy window is a scan
 * back from the tail.
 */
import { IdTable, IdWords, idFromWords } from '../core/id-table.js';
import type { MessageId, MsgFrame, PayloadEncoding, PeerId, Priority, Route } from '../wire/frames.js';
import { messageIdToKey } from '../wire/ids.js';

/**
 * What this node knows about a peer and one message (per cached message, per peer):
 * Announced — we sent it an ihave for the id (it may or may not have it); Sent — we sent it the msg (it
 * has it unless the frame was lost); Confirmed — it sent us the msg, an ihave or a digest listing it.
 */
export const Holding = { Announced: 1, Sent: 2, Confirmed: 3 } as const;
export type Holding = (typeof Holding)[keyof typeof Holding];

/**
 * Per cached message: what each peer holds (see Holding). A message meets a handful of peers (its sender,
 * the tree links, the lazy pushes), so the first HOLDER_SLOTS sit in fields of the entry itself and only
 * more spill into an array: a Map, or even one array, per message was an object (or two) that every cached
 * message kept alive, and the garbage collector copied them all (the cache holds thousands under load).
 */
export class Holdings {
  private p0: PeerId | undefined = undefined;
  private p1: PeerId | undefined = undefined;
  private p2: PeerId | undefined = undefined;
  private p3: PeerId | undefined = undefined;
  private h0: Holding = Holding.Announced;
  private h1: Holding = Holding.Announced;
  private h2: Holding = Holding.Announced;
  private h3: Holding = Holding.Announced;
  /** [peer, holding, peer, holding, …] past the fields. */
  private more: Array<PeerId | Holding> | undefined = undefined;

  get(peer: PeerId): Holding | undefined {
    if (this.p0 === peer) return this.h0;
    if (this.p1 === peer) return this.h1;
    if (this.p2 === peer) return this.h2;
    if (this.p3 === peer) return this.h3;
    const m = this.more;
    if (m !== undefined) for (let i = 0; i < m.length; i += 2) if (m[i] === peer) return m[i + 1] as Holding;
    return undefined;
  }

  has(peer: PeerId): boolean {
    return this.get(peer) !== undefined;
  }

  protected clearHoldings(): void {
    this.p0 = this.p1 = this.p2 = this.p3 = undefined;
    this.more = undefined;
  }

  set(peer: PeerId, holding: Holding): void {
    if (this.p0 === peer || this.p0 === undefined) {
      this.p0 = peer;
      this.h0 = holding;
    } else if (this.p1 === peer || this.p1 === undefined) {
      this.p1 = peer;
      this.h1 = holding;
    } else if (this.p2 === peer || this.p2 === undefined) {
      this.p2 = peer;
      this.h2 = holding;
    } else if (this.p3 === peer || this.p3 === undefined) {
      this.p3 = peer;
      this.h3 = holding;
    } else {
      const m = (this.more ??= []);
      for (let i = 0; i < m.length; i += 2) {
        if (m[i] === peer) {
          m[i + 1] = holding;
          return;
        }
      }
      m.push(peer, holding);
    }
  }
}

export interface CachedMessage {
  /** messageIdToKey(frame.id), built when asked for (the hot path looks entries up by id). */
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
  /**
   * Entries are pooled: an evicted entry is reused for a later message. The generation changes when that
   * happens, so a task that outlives a synchronous call (an inflation) checks it before touching the entry.
   */
  readonly generation: number;
  /** False once evicted (until reused for another message). */
  readonly live: boolean;
}

export interface MessageCacheLimits {
  maxMessages: number;
  maxBytes: number;
  maxAgeMs: number;
}

/**
 * A cached message. It is its own msg frame (the decoded frame's fields are copied in, and `frame` is the
 * entry itself) and its own Holdings, and evicted entries are reused (up to MAX_FREE_ENTRIES wait). Under
 * load the cache turns over thousands of messages a second; an object per message — three, before —
 * that lived just long enough to be copied out of the young generation made the garbage collector the
 * largest cost of the tcp bench. Pooled entries live in the old generation and are never garbage.
 * Callers use an entry synchronously; anything async captures what it needs first (see `generation`).
 */
class CacheEntry extends Holdings implements CachedMessage, MsgFrame {
  readonly kind = 'msg';
  /** The id as words (see IdWords): the entry keeps no per-message object alive (see `id`). */
  a = 0;
  b = 0;
  c = 0;
  d = 0;
  /** The payload as a range of the received bytes' buffer, for the same reason (see `payload`). */
  private payloadBuffer: ArrayBufferLike = NO_BYTES.buffer;
  private payloadOffset = 0;
  payloadLength = 0;
  origin: PeerId = '';
  seq = 0;
  hops = 0;
  priority: Priority = 'normal';
  route: Route = 'push';
  encoding: PayloadEncoding = 'raw';
  signature?: Uint8Array = undefined;
  raw: Uint8Array | undefined = undefined;
  inflating: Promise<Uint8Array> | undefined = undefined;
  firstSeen = 0;
  firstRoute: Route = 'push';
  pushCopies = 0;
  announced = false;
  /** Bumped each time the entry is released: an async task that started before can tell. */
  generation = 0;
  live = false;

  /** Takes `frame`'s fields; `w` holds its id's words. */
  fill(frame: MsgFrame, w: IdWords, raw: Uint8Array | undefined, firstSeen: number, firstRoute: Route): this {
    this.a = w.a;
    this.b = w.b;
    this.c = w.c;
    this.d = w.d;
    const p = frame.payload;
    this.payloadBuffer = p.buffer;
    this.payloadOffset = p.byteOffset;
    this.payloadLength = p.byteLength;
    this.origin = frame.origin;
    this.seq = frame.seq;
    this.hops = frame.hops;
    this.priority = frame.priority;
    this.route = frame.route;
    this.encoding = frame.encoding;
    this.signature = frame.signature;
    this.raw = raw;
    this.firstSeen = firstSeen;
    this.firstRoute = firstRoute;
    this.pushCopies = firstRoute === 'push' ? 1 : 0;
    this.live = true;
    return this;
  }

  /** Drops everything the entry references, so a pooled entry keeps nothing alive. */
  release(): void {
    this.generation++;
    this.live = false;
    this.payloadBuffer = NO_BYTES.buffer;
    this.payloadLength = 0;
    this.signature = undefined;
    this.raw = undefined;
    this.inflating = undefined;
    this.announced = false;
    this.clearHoldings();
  }

  /**
   * A new array each time: the entry outlives the young generation, and an array it kept would be copied
   * out of it for every message; one made on demand (to send or deliver the message) dies young.
   */
  get id(): MessageId {
    return idFromWords(this.a, this.b, this.c, this.d);
  }

  /** A view of the received bytes, made on demand (see `id`). */
  get payload(): Uint8Array {
    return new Uint8Array(this.payloadBuffer, this.payloadOffset, this.payloadLength);
  }

  get frame(): MsgFrame {
    return this;
  }

  get holders(): Holdings {
    return this;
  }

  get key(): string {
    return messageIdToKey(this.id);
  }
}

const NO_BYTES = new Uint8Array(0);
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
