/**
 * The gossip's repair side: what it does with ihave, digest, iwant and graft frames. Ids announced to
 * us that we lack go to the missing-id tracker; when one falls due it is requested from an announcer
 * (a graft for an ihave announcer — Plumtree's tree repair — an iwant for a digest one), the next
 * announcer after requestRetryTimeout, up to maxRequestAttempts. Requests from peers are served from
 * the message cache within a per-peer, per-round budget.
 */
import type { Clock } from '../core/clock.js';
import type { MessageId, PeerId, Route } from '../wire/frames.js';
import { safeMessageKey, seenHas } from './message.js';
import type { SeenStore } from './types.js';
import { digestAnswer } from './gossip-anti-entropy.js';
import { Holding, type CachedMessage, type MessageCache } from './gossip-message-cache.js';
import type { GossipOptions } from './gossip-options.js';
import { MissingTracker, type Announcer, type GossipPeer, type MissingId, type PeerTable } from './gossip-plumtree.js';
import type { GossipCounters } from './gossip-stats.js';

/** What the repair side needs from the protocol. */
export interface RepairHost {
  readonly options: GossipOptions;
  readonly clock: Clock;
  readonly seen: SeenStore;
  readonly cache: MessageCache;
  readonly peers: PeerTable;
  readonly counters: GossipCounters;
  /** Sends a cached msg to `peers` (one hop further). */
  sendMsg(entry: CachedMessage, peers: PeerId[], route: Route): void;
  /** Makes `peer` eager and sends it a graft naming `ids`. */
  graft(peer: PeerId, ids: MessageId[]): void;
  sendIds(kind: 'iwant', peer: PeerId, ids: MessageId[]): void;
}

export class GossipRepair {
  readonly missing: MissingTracker;

  constructor(private readonly host: RepairHost) {
    this.missing = new MissingTracker(host.clock, host.options.limits, (due) => this.requestMissing(due));
  }

  /** Ihave or digest ids from `peer`: note that it holds them; track the ones we lack. */
  onAnnounced(ids: MessageId[], peer: GossipPeer, viaIhave: boolean): void {
    const { seen, cache, options } = this.host;
    const announcer: Announcer = { peer: peer.id, viaIhave };
    // Ihave ids wait for the tree (graftTimeout); digest ids are old enough to ask for at once.
    const delay = viaIhave ? options.graftTimeout : 0;
    for (const id of ids) {
      // Most announced ids are recent, so cached: one lookup for those.
      const cached = cache.get(id);
      if (cached !== undefined) cached.holders.set(peer.id, Holding.Confirmed);
      else if (!seenHas(seen, id)) this.missing.announce(safeMessageKey(id) as string, id, announcer, delay);
    }
  }

  /** A digest: track what it lists that we lack, and send what we have that it lacks. */
  onDigest(ids: MessageId[], peer: GossipPeer): void {
    this.onAnnounced(ids, peer, false);
    const listed = new Set<string>();
    for (const id of ids) listed.add(safeMessageKey(id) as string);
    const { clock, options, cache } = this.host;
    for (const entry of digestAnswer(clock.now(), peer.id, listed, options, cache)) {
      if (!this.takeServeBudget(peer)) return;
      this.host.sendMsg(entry, [peer.id], 'pull');
      this.host.counters.served++;
    }
  }

  /** Answers iwant / graft: the cached msgs among `ids`, within the peer's per-round budget. */
  serve(peer: GossipPeer, ids: MessageId[]): void {
    for (const id of ids) {
      const entry = this.host.cache.get(id);
      if (entry === undefined) {
        this.host.counters.unknownIdRequests++;
        continue;
      }
      if (!this.takeServeBudget(peer)) return;
      this.host.sendMsg(entry, [peer.id], 'pull');
      this.host.counters.served++;
    }
  }

  private takeServeBudget(peer: GossipPeer): boolean {
    if (peer.served >= this.host.options.limits.maxServedPerPeerPerRound) {
      this.host.counters.serveBudgetExceeded++;
      return false;
    }
    peer.served++;
    return true;
  }

  /** Missing ids that fell due: ask an announcer, one frame per announcer. */
  private requestMissing(due: [string, MissingId][]): void {
    const { clock, seen, options, counters } = this.host;
    const now = clock.now();
    const grafts = new Map<PeerId, MessageId[]>();
    const iwants = new Map<PeerId, MessageId[]>();
    for (const [key, m] of due) {
      if (seen.has(key)) {
        this.missing.resolve(key);
        continue;
      }
      const announcer = m.attempts < options.limits.maxRequestAttempts ? this.nextAnnouncer(m) : undefined;
      if (announcer === undefined) {
        // Left to anti-entropy (digests keep listing it while it is recent).
        this.missing.resolve(key);
        counters.requestsGivenUp++;
        continue;
      }
      m.attempts++;
      appendTo(announcer.viaIhave ? grafts : iwants, announcer.peer, m.id);
      this.missing.reschedule(key, now + options.requestRetryTimeout);
    }
    for (const [peer, ids] of grafts) this.host.graft(peer, ids);
    for (const [peer, ids] of iwants) this.host.sendIds('iwant', peer, ids);
  }

  /** The next announcer still connected, round robin over the attempts. */
  private nextAnnouncer(m: MissingId): Announcer | undefined {
    const n = m.announcers.length;
    for (let i = 0; i < n; i++) {
      const a = m.announcers[(m.attempts + i) % n] as Announcer;
      if (this.host.peers.get(a.peer) !== undefined) return a;
    }
    return undefined;
  }
}

function appendTo(map: Map<PeerId, MessageId[]>, key: PeerId, id: MessageId): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [id]);
  else list.push(id);
}
