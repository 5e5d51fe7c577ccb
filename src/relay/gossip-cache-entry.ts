/**
 * What the gossip's message cache holds per message: the cache entry (CacheEntry, pooled) and the record
 * of which peer holds the message (Holding, Holdings). gossip-message-cache.ts keeps them in order.
 */
import { IdWords, idFromWords } from '../core/id-table.js';
import type { MessageId, MsgFrame, PayloadEncoding, PeerId, Priority, Route } from '../wire/frames.js';
import { messageIdToKey } from '../wire/ids.js';

const NO_BYTES = new Uint8Array(0);

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

/**
 * A cached message. It is its own msg frame (the decoded frame's fields are copied in, and `frame` is the
 * entry itself) and its own Holdings, and evicted entries are reused (the cache keeps up to MAX_FREE_ENTRIES waiting). Under
 * load the cache turns over thousands of messages a second; an object per message — three, before —
 * that lived just long enough to be copied out of the young generation made the garbage collector the
 * largest cost of the tcp bench. Pooled entries live in the old generation and are never garbage.
 * Callers use an entry synchronously; anything async captures what it needs first (see `generation`).
 */
export class CacheEntry extends Holdings implements CachedMessage, MsgFrame {
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

