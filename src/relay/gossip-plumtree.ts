/**
 * Plumtree's state (Leitão, Pereira, Rodrigues, SRDS 2007): the peer table split into eager peers (the
 * spanning-tree edges msgs are pushed along) and lazy peers (who get ids only), and the missing-id
 * tracker — ids announced to us that we do not have, each waiting on a timer before we ask an
 * announcer for it. One tree is shared by all origins: after the first messages have pruned the
 * redundant edges, every later message also crosses each link about once.
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import type { MessageId, PeerId } from '../wire/frames.js';
import { messageIdToKey } from '../wire/ids.js';

export interface GossipPeer {
  readonly id: PeerId;
  /** The peer announced the 'deflate' capability: it may be sent deflated payloads. */
  readonly deflate: boolean;
  /** Eager: msgs are pushed to it; lazy: it gets ihave only. New peers start eager. */
  eager: boolean;
  /** Last time a frame came from it (clock ms). */
  lastHeard: number;
  /** Msgs served to it in the current round (iwant / graft / digest answers). */
  served: number;
  /** Tree copies (push or flood route) in a row from this eager peer that were duplicates here. */
  dupStreak: number;
}

export class PeerTable {
  private readonly peers = new Map<PeerId, GossipPeer>();

  get size(): number {
    return this.peers.size;
  }

  get(id: PeerId): GossipPeer | undefined {
    return this.peers.get(id);
  }

  /** Adds (or refreshes the capabilities of) a peer; a new peer starts eager. */
  add(id: PeerId, deflate: boolean, now: number): GossipPeer {
    const existing = this.peers.get(id);
    const peer: GossipPeer = existing
      ? { ...existing, deflate }
      : { id, deflate, eager: true, lastHeard: now, served: 0, dupStreak: 0 };
    this.peers.set(id, peer);
    return peer;
  }

  remove(id: PeerId): GossipPeer | undefined {
    const peer = this.peers.get(id);
    this.peers.delete(id);
    return peer;
  }

  ids(): PeerId[] {
    return [...this.peers.keys()];
  }

  all(): IterableIterator<GossipPeer> {
    return this.peers.values();
  }

  eagerIds(except?: PeerId): PeerId[] {
    const out: PeerId[] = [];
    for (const p of this.peers.values()) if (p.eager && p.id !== except) out.push(p.id);
    return out;
  }

  lazyIds(): PeerId[] {
    const out: PeerId[] = [];
    for (const p of this.peers.values()) if (!p.eager) out.push(p.id);
    return out;
  }

  countEager(): number {
    let n = 0;
    for (const p of this.peers.values()) if (p.eager) n++;
    return n;
  }

  resetServed(): void {
    for (const p of this.peers.values()) p.served = 0;
  }
}

/** A peer that told us it has a missing id, and how. */
export interface Announcer {
  peer: PeerId;
  /** Via ihave (lazy push: ask with graft, which also repairs the tree) or via digest (ask with iwant). */
  viaIhave: boolean;
}

export interface MissingId {
  readonly id: MessageId;
  readonly announcers: Announcer[];
  /** Requests sent so far. */
  attempts: number;
  /** When the next request is due (clock ms). */
  dueAt: number;
}

export interface MissingLimits {
  maxMissingIds: number;
  maxAnnouncersPerId: number;
}

/**
 * Ids announced to us that we lack. One timer serves the whole map (armed for the earliest due entry),
 * so requests that fall due together go out as one frame per announcer.
 */
export class MissingTracker {
  private readonly missing = new Map<string, MissingId>();
  private timer: TimerHandle | undefined;
  private timerAt = Infinity;
  /** Entries dropped because the map was full (oldest first). */
  dropped = 0;

  constructor(
    private readonly clock: Clock,
    private readonly limits: MissingLimits,
    /** Called with every entry that fell due; the callback decides what to request, or resolves it. */
    private readonly onDue: (due: [string, MissingId][]) => void,
  ) {}

  get size(): number {
    return this.missing.size;
  }

  get(key: string): MissingId | undefined {
    return this.missing.get(key);
  }

  /** Records that `announcer` has `id`; a new entry falls due after `delayMs`. */
  announce(key: string, id: MessageId, announcer: Announcer, delayMs: number): void {
    const entry = this.missing.get(key);
    if (entry !== undefined) {
      if (entry.announcers.length < this.limits.maxAnnouncersPerId && !entry.announcers.some((a) => a.peer === announcer.peer)) {
        entry.announcers.push(announcer);
      }
      return;
    }
    while (this.missing.size >= this.limits.maxMissingIds) {
      const oldest = this.missing.keys().next();
      if (oldest.done) break;
      this.missing.delete(oldest.value);
      this.dropped++;
    }
    const dueAt = this.clock.now() + delayMs;
    this.missing.set(key, { id, announcers: [announcer], attempts: 0, dueAt });
    this.arm(dueAt);
  }

  /** resolve() by id: builds the key only when something is missing at all (every new message asks). */
  resolveId(id: MessageId): void {
    if (this.missing.size > 0) this.missing.delete(messageIdToKey(id));
  }

  /** The id arrived (or is given up): forget it. */
  resolve(key: string): void {
    this.missing.delete(key);
  }

  /** Sets when `key` falls due next. */
  reschedule(key: string, dueAt: number): void {
    const entry = this.missing.get(key);
    if (entry === undefined) return;
    entry.dueAt = dueAt;
    this.arm(dueAt);
  }

  stop(): void {
    if (this.timer !== undefined) this.clock.cancelTimer(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  clear(): void {
    this.stop();
    this.missing.clear();
  }

  private arm(at: number): void {
    if (at >= this.timerAt) return;
    if (this.timer !== undefined) this.clock.cancelTimer(this.timer);
    this.timerAt = at;
    this.timer = this.clock.setTimer(at - this.clock.now(), () => this.fire());
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    const now = this.clock.now();
    const due: [string, MissingId][] = [];
    let next = Infinity;
    for (const item of this.missing) {
      if (item[1].dueAt <= now) due.push(item);
      else if (item[1].dueAt < next) next = item[1].dueAt;
    }
    if (next < Infinity) this.arm(next);
    if (due.length > 0) this.onDue(due);
  }
}
