/**
 * GossipProtocol: epidemic broadcast as a sans-IO state machine — Plumtree (Leitão, Pereira, Rodrigues,
 * SRDS 2007: eager push along a shared spanning tree, lazy push of ids, graft / prune repair), a short
 * flood phase for latency, and push-pull anti-entropy rounds for completeness.
 *
 * Events in: receiveMessage(frame, peer), addPeer / removePeer, broadcast, timers on the injected clock.
 * Actions out: frames through the onForward handlers (and env.send), delivery through the onMessage
 * handlers — once per message id (the seen store decides).
 *
 * Routes tell a receiver how to read a copy:
 * - 'push': from the origin along the tree. The sender of a new 'push' msg becomes eager; a second
 *   'push' copy of one message proves a cycle, so its sender becomes lazy and gets a prune.
 * - 'flood': the flood phase. For its first floodHops hops a message goes to lazy peers too (to
 *   floodFanout random ones on the last of them); every node relays it down the tree as well, still as
 *   'flood', so it enters the tree at many points near its origin. Those waves meet and duplicate, which
 *   proves nothing about the tree: only an eager peer sending nothing but duplicates for redundantAfter
 *   copies in a row is pruned. This brings latency near flood's: a shared tree alone stretches paths
 *   about twofold.
 * - 'pull': served on request (graft, iwant, digest). A message that came by pull keeps that route
 *   down the tree, so a repair never prunes a tree edge.
 *
 * Priority: every message travels on receipt (tree and flood phase); its id is announced by the lazy
 * push after lazyPushDelay and listed in the next rounds' digests. 'immediate' and 'critical' messages
 * also reach every neighbour of their origin at once, and skip the floodFanout sampling, whatever the
 * options ('normal' with floodHops 0 travels the tree only).
 *
 * Hops count links crossed (the origin's neighbours see 1). A msg past hopLimit is dropped and counted;
 * one at the limit is delivered but not relayed.
 */
import { sample, type Random } from '../core/random.js';
import { MemorySeenStore } from '../dedup/memory.js';
import type { MessageId, MsgFrame, PeerId, Priority, Route } from '../wire/frames.js';
import { MessageIdFactory } from '../wire/ids.js';
import { isMessageId, seenAdd } from './message.js';
import type { BroadcastOptions, RelayFrame, SeenStore } from './types.js';
import { chunkIds, digestIds, pickRoundTargets, planLazyPush } from './gossip-anti-entropy.js';
import { DEFLATE_CAPABILITY, deflateRaw } from './gossip-compression.js';
import { GossipEdge, type GossipForwardHandler, type GossipMessageHandler } from './gossip-edge.js';
import { resolveGossipEnv, type GossipEnv } from './gossip-env.js';
import { adaptiveFanout, estimateNetworkSize, OriginTracker } from './gossip-fanout.js';
import { Holding, MessageCache, type CachedMessage } from './gossip-message-cache.js';
import { resolveGossipOptions, type GossipOptions, type GossipOptionsInput } from './gossip-options.js';
import { PeerTable, type GossipPeer } from './gossip-plumtree.js';
import { GossipRepair } from './gossip-repair.js';
import { GossipScheduler } from './gossip-scheduler.js';
import { countIn, newCounters, type GossipStats } from './gossip-stats.js';
import { isPriority, isWellFormed, validIds } from './gossip-validate.js';

export type { GossipForwardHandler, GossipMessageHandler } from './gossip-edge.js';

export interface GossipProtocolOptions extends GossipOptionsInput {
  /** Clock, Random, local id (and optionally buggify, send); each missing one gets its default. */
  env?: Partial<GossipEnv>;
  /** The dedup store; share one with a FloodRouter so a message is delivered once whichever path brings it. */
  seen?: SeenStore;
}

export class GossipProtocol {
  readonly options: GossipOptions;
  readonly localId: PeerId;
  private readonly env: GossipEnv;
  private readonly random: Random;
  private readonly seen: SeenStore;
  private readonly peers = new PeerTable();
  private readonly cache: MessageCache;
  private readonly repair: GossipRepair;
  private readonly origins: OriginTracker;
  private readonly idFactory: MessageIdFactory;
  private readonly counters = newCounters();
  private readonly edge: GossipEdge;
  private readonly scheduler: GossipScheduler;
  /** The current round's push targets: they get the ihave of every lazy push until the next round. */
  private pushTargets: PeerId[] = [];

  constructor(options: GossipProtocolOptions = {}) {
    const { env, seen, ...rest } = options;
    const o = (this.options = resolveGossipOptions(rest));
    this.env = resolveGossipEnv(env);
    this.localId = this.env.localId;
    this.random = this.env.random.fork('gossip');
    this.seen = seen ?? new MemorySeenStore({ ttlMs: o.maxMessageAge, maxEntries: o.limits.maxSeenEntries });
    this.cache = new MessageCache({ maxMessages: o.limits.maxCachedMessages, maxBytes: o.limits.maxCachedBytes, maxAgeMs: o.maxMessageAge });
    this.origins = new OriginTracker(o.limits.maxTrackedOrigins);
    this.idFactory = new MessageIdFactory(this.localId, this.random.nextU32());
    this.edge = new GossipEdge(this.counters, this.peers, this.env.send, o.limits.maxInflatedBytes, (entry, raw, generation) => this.cache.keepRaw(entry, raw, generation));
    this.scheduler = new GossipScheduler(this.env.clock, this.random, o, {
      round: () => this.round(),
      prune: () => this.pruneExpired(),
      flush: () => this.flushLazyPush(),
      nextFlushAt: () => {
        const oldest = this.cache.oldestUnannouncedAt();
        return oldest === undefined ? undefined : oldest + o.lazyPushDelay;
      },
    });
    this.repair = new GossipRepair({
      options: o,
      clock: this.env.clock,
      seen: this.seen,
      cache: this.cache,
      peers: this.peers,
      counters: this.counters,
      sendMsg: (entry, peers, route) => this.sendMsg(entry, peers, route),
      graft: (peer, ids) => this.graft(peer, ids),
      sendIds: (kind, peer, ids) => this.sendIds(kind, peer, ids),
    });
  }

  // ---- wiring ------------------------------------------------------------------------------------

  /** Registers the application's delivery handler; returns a function that removes it. */
  onMessage(handler: GossipMessageHandler): () => void {
    return addHandler(this.edge.messageHandlers, handler);
  }

  /** Registers an I/O edge: every frame the gossip sends goes through it. Returns a remover. */
  onForward(handler: GossipForwardHandler): () => void {
    return addHandler(this.edge.forwardHandlers, handler);
  }

  /** A neighbour is connected. `capabilities` come from its hello ('deflate' enables compressed payloads). */
  addPeer(id: PeerId, capabilities: readonly string[] = []): void {
    if (id === this.localId) return;
    this.peers.add(id, capabilities.includes(DEFLATE_CAPABILITY), this.env.clock.now());
  }

  /** A neighbour is gone. Losing an eager peer may cut this node off the tree: graft a lazy peer at once. */
  removePeer(id: PeerId): void {
    const peer = this.peers.remove(id);
    if (peer === undefined || !peer.eager) return;
    this.graftRandomLazy();
  }

  /** Tree repair: make a random lazy peer eager on both ends (a graft naming no ids). */
  private graftRandomLazy(): void {
    const [replacement] = sample(this.peers.lazyIds(), 1, this.random);
    if (replacement !== undefined) this.graft(replacement, []);
  }

  /** Starts the gossip rounds, lazy pushes and prune sweeps on the injected clock. */
  start(): void {
    this.scheduler.start();
  }

  /** Stops the timers (and forgets pending missing-id requests); state is kept, receiveMessage still works. */
  stop(): void {
    this.scheduler.stop();
    this.repair.missing.clear();
  }

  // ---- originating -------------------------------------------------------------------------------

  /**
   * Originates a message with a raw payload (synchronous; never compressed — see broadcastCompressed)
   * and returns its id. The node's own messages are not delivered to its own onMessage handlers.
   */
  broadcast(payload: Uint8Array, options: BroadcastOptions = {}): MessageId {
    return this.originate(payload, 'raw', options.priority ?? 'normal', undefined);
  }

  /**
   * Like broadcast, but a payload larger than compressionThreshold is deflated first (when that makes it
   * smaller): it then travels deflated to peers with the 'deflate' capability and raw to the others.
   * Receivers always deliver the original bytes. The message enters the state machine once the
   * compression resolves.
   */
  async broadcastCompressed(payload: Uint8Array, options: BroadcastOptions = {}): Promise<MessageId> {
    const priority = options.priority ?? 'normal';
    if (payload.length > this.options.limits.maxInflatedBytes) {
      // Receivers refuse to inflate past this bound, so such a message would be seen everywhere and
      // delivered nowhere: refuse it here, where the caller can still act.
      throw new RangeError(`GossipProtocol: payload of ${payload.length} bytes exceeds maxInflatedBytes (${this.options.limits.maxInflatedBytes})`);
    }
    if (payload.length <= this.options.compressionThreshold) return this.originate(payload, 'raw', priority, undefined);
    const deflated = await deflateRaw(payload);
    if (deflated.length >= payload.length) return this.originate(payload, 'raw', priority, undefined);
    this.counters.compressedBroadcasts++;
    return this.originate(deflated, 'deflate', priority, payload);
  }

  private originate(payload: Uint8Array, encoding: MsgFrame['encoding'], priority: Priority, raw: Uint8Array | undefined): MessageId {
    if (!(payload instanceof Uint8Array)) throw new TypeError('GossipProtocol.broadcast: payload must be a Uint8Array');
    if (!isPriority(priority)) throw new RangeError(`GossipProtocol.broadcast: unknown priority ${String(priority)}`);
    const { id, seq } = this.idFactory.next();
    const frame: MsgFrame = { kind: 'msg', id, origin: this.localId, seq, hops: 0, priority, route: 'push', encoding, payload };
    const now = this.env.clock.now();
    seenAdd(this.seen, id, now);
    this.origins.note(this.localId, now);
    this.counters.broadcasts++;
    if (this.peers.size > 0 && this.peers.countEager() === 0) this.graftRandomLazy();
    this.relay(this.cache.add(frame, now, 'push', raw), undefined);
    this.scheduler.armFlush();
    return id;
  }

  // ---- receiving ---------------------------------------------------------------------------------

  /**
   * Handles a relay frame from a neighbour (msg, ihave, iwant, digest, prune, graft; 'mode' is ignored).
   * Returns true when it was a msg new to this node.
   */
  receiveMessage(frame: RelayFrame, fromPeer: PeerId): boolean {
    if (!isWellFormed(frame)) {
      this.counters.badFrames++;
      return false;
    }
    countIn(this.counters, frame);
    const now = this.env.clock.now();
    const peer = this.peers.get(fromPeer);
    if (peer === undefined) this.counters.unknownPeerFrames++;
    else peer.lastHeard = now;
    switch (frame.kind) {
      case 'msg':
        return this.onMsg(frame, fromPeer, peer, now);
      case 'ihave':
        if (peer !== undefined) this.repair.onAnnounced(this.ids(frame.ids), peer, true);
        return false;
      case 'digest':
        if (peer !== undefined) this.repair.onDigest(this.ids(frame.ids), peer);
        return false;
      case 'iwant':
        if (peer !== undefined) this.repair.serve(peer, this.ids(frame.ids));
        return false;
      case 'graft':
        if (peer !== undefined) {
          peer.eager = true;
          this.repair.serve(peer, this.ids(frame.ids));
        }
        return false;
      case 'prune':
        if (peer !== undefined) peer.eager = false;
        return false;
      default:
        return false;
    }
  }

  /**
   * Tells the gossip that a msg reached this node by another path (a flood in hybrid mode): it is cached,
   * announced and served like any other, but neither delivered (the other path did that) nor relayed
   * (the other path disseminates it); later gossip copies of it are plain duplicates (no prune).
   * Returns true when it was new to the gossip.
   */
  noteMessage(frame: MsgFrame, fromPeer: PeerId | null): boolean {
    if (!isWellFormed(frame) || frame.kind !== 'msg') {
      this.counters.badFrames++;
      return false;
    }
    if (!isMessageId(frame.id)) {
      this.counters.badIds++;
      return false;
    }
    const peer = fromPeer === null ? undefined : this.peers.get(fromPeer);
    const known = this.cache.get(frame.id);
    if (known !== undefined) {
      if (peer !== undefined) known.holders.set(peer.id, Holding.Confirmed);
      return false;
    }
    const now = this.env.clock.now();
    seenAdd(this.seen, frame.id, now);
    this.repair.missing.resolveId(frame.id);
    this.origins.note(frame.origin, now);
    const entry = this.cache.add(frame, now, 'flood');
    if (peer !== undefined) entry.holders.set(peer.id, Holding.Confirmed);
    this.scheduler.armFlush();
    return true;
  }

  private onMsg(frame: MsgFrame, from: PeerId, peer: GossipPeer | undefined, now: number): boolean {
    if (!isMessageId(frame.id)) {
      this.counters.badIds++;
      return false;
    }
    if (frame.hops > this.options.hopLimit) {
      // Not marked seen: a legitimate copy may still come by a shorter path.
      this.counters.hopLimitDropped++;
      return false;
    }
    // "New?" costs one lookup in each store: seen.add and insertNew both answer it while recording. The
    // cache also refuses an id the seen store forgot (a store with a shorter memory than the cache).
    const entry = seenAdd(this.seen, frame.id, now) ? this.cache.insertNew(frame, now, frame.route) : undefined;
    if (entry === undefined) {
      this.counters.duplicates++;
      if (peer !== undefined) this.onDuplicate(this.cache.get(frame.id), frame.route, peer);
      return false;
    }
    this.repair.missing.resolveId(frame.id);
    this.origins.note(frame.origin, now);
    if (peer !== undefined) {
      entry.holders.set(peer.id, Holding.Confirmed);
      // Plumtree: the peer that pushed us a new message is a tree link.
      if (frame.route === 'push') peer.eager = true;
      if (frame.route !== 'pull') peer.dupStreak = 0;
    }
    const generation = entry.generation;
    this.relay(entry, from);
    this.scheduler.armFlush();
    this.edge.deliver(frame, from, entry, generation);
    return true;
  }

  /**
   * Plumtree's prune, for a shared tree that messages also enter through the flood phase:
   * - a second copy pushed from the origin along the tree (route 'push') proves a cycle: cut this edge;
   * - flood-phase copies relayed down the tree meet where their waves cross, which proves nothing —
   *   but an eager peer whose tree copies (push or flood) were duplicates redundantAfter times in a row,
   *   never a first copy, is a redundant edge (e.g. left by a graft): cut it too.
   * Pull copies say nothing about the tree. Pruning makes both ends lazy.
   */
  private onDuplicate(known: CachedMessage | undefined, route: Route, peer: GossipPeer): void {
    known?.holders.set(peer.id, Holding.Confirmed);
    if (route === 'pull' || !peer.eager) return;
    const cycle = route === 'push' && (known === undefined || ++known.pushCopies >= 2);
    peer.dupStreak++;
    if (cycle || peer.dupStreak >= this.options.redundantAfter) {
      peer.eager = false;
      peer.dupStreak = 0;
      this.edge.emit({ kind: 'prune' }, [peer.id]);
    }
  }

  private ids(ids: MessageId[]): MessageId[] {
    return validIds(ids, this.options.limits.maxIdsPerFrame, this.counters);
  }

  // ---- sending control frames -------------------------------------------------------------------

  private graft(peerId: PeerId, ids: MessageId[]): void {
    const peer = this.peers.get(peerId);
    if (peer === undefined) return;
    peer.eager = true;
    for (const chunk of chunkIds(ids, this.options.limits.maxIdsPerFrame)) this.edge.emit({ kind: 'graft', ids: chunk }, [peerId]);
  }

  private sendIds(kind: 'ihave' | 'iwant', peer: PeerId, ids: MessageId[]): void {
    for (const chunk of chunkIds(ids, this.options.limits.maxIdsPerFrame)) this.edge.emit({ kind, ids: chunk }, [peer]);
  }

  // ---- rounds ------------------------------------------------------------------------------------

  private round(): void {
    const now = this.env.clock.now();
    this.counters.rounds++;
    this.cache.expire(now);
    this.peers.resetServed();
    // Prunes can leave a node with no eager peer at all, off the tree: its messages would then only
    // spread by lazy push. Rejoin the tree (a cycle this makes is pruned again).
    if (this.peers.size > 0 && this.peers.countEager() === 0) this.graftRandomLazy();
    const targets = pickRoundTargets(this.currentFanout(), this.options, this.peers, this.random);
    this.pushTargets = targets.push;
    this.flushLazyPush();
    const digest = targets.pull.length > 0 ? digestIds(now, this.options, this.cache) : [];
    if (digest.length > 0) this.edge.emit({ kind: 'digest', ids: digest }, targets.pull);
  }

  private flushLazyPush(): boolean {
    // Fault injection: a late lazy push (the ids go out with the next round) exercises the repair timers.
    if (this.env.buggify?.('gossip.lazy-push.late', 0.1)) return false;
    const plan = planLazyPush(this.env.clock.now(), this.pushTargets, this.options, this.peers, this.cache, this.random);
    for (const [peer, ids] of plan) this.sendIds('ihave', peer, ids);
    return true;
  }

  private pruneExpired(): void {
    const now = this.env.clock.now();
    this.seen.prune(now);
    this.cache.expire(now);
    this.origins.prune(now, this.options.maxMessageAge);
  }

  /** What the host knows of the network's size (e.g. the peers its membership layer knows, + 1). */
  setNetworkSizeHint(nodes: number): void {
    if (Number.isFinite(nodes) && nodes >= 0) (this.options as { networkSizeHint: number }).networkSizeHint = nodes;
  }

  private networkSize(): number {
    return estimateNetworkSize(this.peers.size, this.origins.size, this.options.networkSizeHint);
  }

  private currentFanout(): number {
    const o = this.options;
    return o.adaptiveFanout ? adaptiveFanout(this.networkSize(), o.fanoutConstant) : o.fanout;
  }

  // ---- relaying ----------------------------------------------------------------------------------

  /** Relays a new message: down the tree (eager peers but `from`), and in its flood phase to lazy peers too. */
  private relay(entry: CachedMessage, from: PeerId | undefined): void {
    const generation = entry.generation;
    this.sendMsg(entry, this.peers.eagerIds(from), entry.firstRoute);
    // A forward handler that re-entered this node may have evicted and recycled the entry meanwhile.
    if (entry.generation !== generation) return;
    const f = entry.frame;
    const urgent = f.priority !== 'normal';
    const phase = this.networkSize() >= this.options.floodPhaseMinNodes ? this.options.floodHops : 0;
    const floodHops = urgent ? Math.max(1, phase) : phase;
    if (f.hops >= floodHops) return;
    let lazy = this.peers.lazyIds();
    if (from !== undefined) lazy = lazy.filter((p) => p !== from);
    if (!urgent && f.hops === floodHops - 1) lazy = sample(lazy, this.options.floodFanout, this.random);
    this.sendMsg(entry, lazy, 'flood');
  }

  /** Sends a cached msg to `peers` one hop further along, if the hop limit allows. */
  private sendMsg(entry: CachedMessage, peers: PeerId[], route: Route): void {
    // An entry evicted by a re-entrant dispatch while a caller looped over a list of entries (digest
    // answers) is skipped: its fields are gone.
    if (peers.length === 0 || !entry.live) return;
    const hops = entry.frame.hops + 1;
    if (hops > this.options.hopLimit) {
      this.counters.hopLimitStopped++;
      return;
    }
    for (const p of peers) if (entry.holders.get(p) !== Holding.Confirmed) entry.holders.set(p, Holding.Sent);
    const f = entry.frame;
    const frame: MsgFrame = {
      kind: 'msg',
      id: f.id,
      origin: f.origin,
      seq: f.seq,
      hops,
      priority: f.priority,
      route,
      encoding: f.encoding,
      payload: f.payload,
    };
    if (f.signature !== undefined) frame.signature = f.signature;
    this.edge.emit(frame, peers, entry);
  }

  // ---- introspection -----------------------------------------------------------------------------

  getStats(): GossipStats {
    const now = this.env.clock.now();
    let active = 0;
    for (const p of this.peers.all()) if (now - p.lastHeard <= this.options.maxMessageAge) active++;
    const eager = this.peers.countEager();
    return {
      ...this.counters,
      missingDropped: this.repair.missing.dropped,
      cacheEvicted: this.cache.evicted,
      messageCount: this.cache.size,
      seenCount: this.seen.size,
      peerCount: this.peers.size,
      activePeerCount: active,
      eagerPeerCount: eager,
      lazyPeerCount: this.peers.size - eager,
      missingCount: this.repair.missing.size,
      fanout: this.currentFanout(),
      estimatedNetworkSize: this.networkSize(),
    };
  }

  /** Whether `peerId` is an eager (tree) peer now; undefined for an unknown peer. For tests and tools. */
  isEager(peerId: PeerId): boolean | undefined {
    return this.peers.get(peerId)?.eager;
  }
}

function addHandler<T>(list: T[], handler: T): () => void {
  list.push(handler);
  return () => {
    const i = list.indexOf(handler);
    if (i >= 0) list.splice(i, 1);
  };
}
