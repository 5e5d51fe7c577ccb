/**
 * MessageRelay: the seed design's migration path from flood to gossip, one node's view. Four modes:
 *
 *   flood           FloodRouter alone (the gossip is stopped; it still caches messages so a later switch
 *                   to a gossip mode can repair what flood lost).
 *   hybrid          flood and gossip both forward every message.
 *   gossip-primary  gossip forwards everything; messages with priority 'critical' are also flooded.
 *   gossip          gossip alone.
 *
 * Exactly-once delivery: flood and gossip share ONE SeenStore and each marks an id seen at the moment it
 * accepts the message, so whichever path brings a message first delivers it and every later copy, by
 * any path and in any mode, is a duplicate. A frame that arrives by the "wrong" route for the current
 * mode (a flooded copy after a switch to gossip, a pushed copy after a switch to flood) is still
 * accepted once and then forwarded by the CURRENT mode's rules.
 *
 * Mode changes: setMode(mode) switches this node; setMode(mode, { announce: true }) also floods a
 * ModeFrame through the mesh. Announcements form a last-writer-wins register on (epoch, origin) —
 * see ModeAnnouncer for the bounds — and every new link gets the current announcement, so nodes that
 * were away converge too.
 */
import { TypedEmitter } from '../core/emitter.js';
import { MemorySeenStore } from '../dedup/memory.js';
import type { MessageId, ModeFrame, MsgFrame, PeerId, Priority, RelayMode } from '../wire/frames.js';
import { RELAY_MODES } from '../wire/frames.js';
import { MessageIdFactory, parseMessageId } from '../wire/ids.js';
import { FloodRouter } from './flood.js';
import type { FloodStats } from './flood.js';
import { GossipProtocol } from './gossip.js';
import type { GossipStats } from './gossip-stats.js';
import { DEFAULT_GOSSIP_OPTIONS } from './gossip-options.js';
import type { GossipOptionsInput } from './gossip-options.js';
import type { ModeAnnounceLimits } from './limits.js';
import { isMessageId, seenHas, toDelivered } from './message.js';
import { ModeAnnouncer } from './mode-announcer.js';
import type { ModeAnnouncerStats } from './mode-announcer.js';
import { countFrame, newPerModeCounters } from './relay-stats.js';
import type { PerModeCounters } from './relay-stats.js';
import type { BroadcastOptions, DeliveredMessage, RelayEnv, RelayFrame, SeenStore } from './types.js';

/**
 * A new mesh starts where the seed's migration ends: gossip alone (Plumtree + anti-entropy) delivers
 * every message once with about one copy per node, where hybrid sends every message twice on every link.
 * A deployment migrating from flood starts in 'flood' or 'hybrid' and walks the path with setMode.
 */
export const DEFAULT_RELAY_MODE: RelayMode = 'gossip';

export interface MessageRelayOptions {
  env: RelayEnv;
  /** Starting mode. Default DEFAULT_RELAY_MODE. */
  mode?: RelayMode;
  /** The shared dedup store. Default: a MemorySeenStore whose TTL is the gossip's maxMessageAge. */
  seen?: SeenStore;
  /** GossipProtocol options (fanout, gossipInterval, maxMessageAge, …). */
  gossip?: GossipOptionsInput;
  /** FloodRouter's hop limit. Default DEFAULT_FLOOD_HOP_LIMIT. */
  floodHopLimit?: number;
  /** Bounds on mode announcements from the network. Default DEFAULT_MODE_ANNOUNCE_LIMITS. */
  modeAnnounce?: Partial<ModeAnnounceLimits>;
}

export interface SetModeOptions {
  /** Flood a ModeFrame so the whole mesh switches (default false: this node only). */
  announce?: boolean;
}

export interface ModeChange {
  mode: RelayMode;
  previous: RelayMode;
  /** 'local': setMode without announce; 'announce': this node announced; 'remote': a peer's announcement. */
  cause: 'local' | 'announce' | 'remote';
  epoch: number;
  origin: PeerId;
}

export interface MessageRelayStats {
  mode: RelayMode;
  /** Counters per mode: each event is charged to the mode the node was in at the time. */
  perMode: PerModeCounters;
  modeChanges: number;
  modeAnnounce: ModeAnnouncerStats;
  /** Frames of a kind the relay does not handle, or msg frames with an id of the wrong shape. */
  invalidFrames: number;
  seenSize: number;
  flood: FloodStats;
  gossip: GossipStats;
}

export type MessageRelayEvents = {
  message: (message: DeliveredMessage, fromPeer: PeerId) => void;
  'mode-changed': (change: ModeChange) => void;
  error: (err: unknown) => void;
};

/** Whether a message of `priority` is flooded in `mode`. */
export function floodsIn(mode: RelayMode, priority: Priority): boolean {
  return mode === 'flood' || mode === 'hybrid' || (mode === 'gossip-primary' && priority === 'critical');
}

/** Whether the gossip forwards (and runs its rounds) in `mode`. */
export function gossipsIn(mode: RelayMode): boolean {
  return mode !== 'flood';
}

export class MessageRelay extends TypedEmitter<MessageRelayEvents> {
  readonly seen: SeenStore;
  private readonly env: RelayEnv;
  private readonly flood: FloodRouter;
  private readonly gossip: GossipProtocol;
  private readonly announcer: ModeAnnouncer;
  private readonly peers = new Set<PeerId>();
  private readonly perMode = newPerModeCounters();
  private modeValue: RelayMode;
  private started = false;
  private modeChanges = 0;
  private invalidFrames = 0;
  private ids: MessageIdFactory | undefined;

  constructor(options: MessageRelayOptions) {
    super();
    const mode = options.mode ?? DEFAULT_RELAY_MODE;
    if (!RELAY_MODES.includes(mode)) throw new RangeError(`MessageRelay: unknown mode ${String(mode)}`);
    this.modeValue = mode;
    this.env = options.env;
    const maxMessageAge = options.gossip?.maxMessageAge ?? DEFAULT_GOSSIP_OPTIONS.maxMessageAge;
    const maxEntries = options.gossip?.limits?.maxSeenEntries ?? DEFAULT_GOSSIP_OPTIONS.limits.maxSeenEntries;
    this.seen = options.seen ?? new MemorySeenStore({ ttlMs: maxMessageAge, maxEntries });
    // Both paths send through one counting env, so per-mode byte counts cover everything this node sends.
    const counted: RelayEnv = { ...options.env, send: (to, frame) => this.send(to, frame) };
    this.flood = new FloodRouter({
      env: counted,
      seen: this.seen,
      ...(options.floodHopLimit === undefined ? {} : { hopLimit: options.floodHopLimit }),
    });
    this.gossip = new GossipProtocol({ ...options.gossip, env: counted, seen: this.seen });
    this.gossip.onMessage((message, fromPeer) => this.onGossipDelivery(message, fromPeer));
    this.announcer = new ModeAnnouncer(options.modeAnnounce);
  }

  get mode(): RelayMode {
    return this.modeValue;
  }

  /** The current mode announcement's version (epoch 0: none yet). */
  get modeEpoch(): { epoch: number; origin: PeerId } {
    return { epoch: this.announcer.epoch, origin: this.announcer.origin };
  }

  onMessage(handler: MessageRelayEvents['message']): () => void {
    return this.on('message', handler);
  }

  onModeChanged(handler: MessageRelayEvents['mode-changed']): () => void {
    return this.on('mode-changed', handler);
  }

  addPeer(id: PeerId, capabilities: readonly string[] = []): void {
    if (id === this.env.localId) return;
    this.peers.add(id);
    this.flood.addPeer(id);
    this.gossip.addPeer(id, capabilities);
    // Every new link learns the mesh's mode, so a node that missed an announcement converges.
    const current = this.announcer.current();
    if (current) this.send(id, current);
  }

  removePeer(id: PeerId): void {
    this.peers.delete(id);
    this.flood.removePeer(id);
    this.gossip.removePeer(id);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    if (gossipsIn(this.modeValue)) this.gossip.start();
  }

  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.gossip.stop();
  }

  /** Sends `payload` to the mesh by the current mode; returns its id. Never delivered locally. */
  broadcast(payload: Uint8Array, options: BroadcastOptions = {}): MessageId {
    const priority = options.priority ?? 'normal';
    this.perMode[this.modeValue].broadcasts++;
    if (gossipsIn(this.modeValue)) {
      // The gossip mints the id, marks it seen and pushes it; the flood (when this mode floods it)
      // sends the same message, rebuilt from the id (its seq is the id's last four bytes).
      const id = this.gossip.broadcast(payload, { priority });
      if (floodsIn(this.modeValue, priority)) {
        this.flood.forward(this.ownFrame(id, parseMessageId(id).seq, priority, payload), null);
      }
      return id;
    }
    this.ids ??= new MessageIdFactory(this.env.localId, this.env.random.nextU32());
    const { id, seq } = this.ids.next();
    const frame = this.ownFrame(id, seq, priority, payload);
    this.flood.originate(frame);
    // Cached by the gossip too, so a later switch to a gossip mode can repair what flood lost.
    this.gossip.noteMessage(frame, null);
    return id;
  }

  /**
   * Like broadcast, but in the gossip modes a payload above the gossip's compressionThreshold travels
   * deflated (to peers that negotiated 'deflate'; the others get it raw). Flood copies stay raw: a flood
   * relay forwards what it received and cannot inflate synchronously for a peer without the capability.
   */
  async broadcastCompressed(payload: Uint8Array, options: BroadcastOptions = {}): Promise<MessageId> {
    if (!gossipsIn(this.modeValue)) return this.broadcast(payload, options);
    const priority = options.priority ?? 'normal';
    const id = await this.gossip.broadcastCompressed(payload, { priority });
    this.perMode[this.modeValue].broadcasts++;
    if (floodsIn(this.modeValue, priority)) {
      this.flood.forward(this.ownFrame(id, parseMessageId(id).seq, priority, payload), null);
    }
    return id;
  }

  /** Passes the host's estimate of the network's size to the gossip (fanout, flood phase). */
  setNetworkSizeHint(nodes: number): void {
    this.gossip.setNetworkSizeHint(nodes);
  }

  /** Entry point for every relay frame from the network (after decoding). */
  receiveFrame(fromPeer: PeerId, frame: RelayFrame): void {
    const counters = this.perMode[this.modeValue];
    switch (frame.kind) {
      case 'msg':
        countFrame(counters, frame, 'in');
        this.receiveMsg(frame, fromPeer);
        return;
      case 'mode':
        countFrame(counters, frame, 'in');
        this.receiveMode(frame, fromPeer);
        return;
      case 'ihave':
      case 'iwant':
      case 'digest':
      case 'prune':
      case 'graft':
        countFrame(counters, frame, 'in');
        // Handled in every mode: a peer still gossiping during a switch gets its answers.
        this.gossip.receiveMessage(frame, fromPeer);
        return;
      default:
        this.invalidFrames++;
    }
  }

  /** Switches this node's mode; with `announce`, the whole mesh's. */
  setMode(mode: RelayMode, options: SetModeOptions = {}): void {
    if (!RELAY_MODES.includes(mode)) throw new RangeError(`MessageRelay: unknown mode ${String(mode)}`);
    if (options.announce) {
      const frame = this.announcer.announce(mode, this.env.localId);
      this.applyMode(mode, 'announce');
      for (const peer of this.peers) this.send(peer, frame);
    } else {
      this.applyMode(mode, 'local');
    }
  }

  getStats(): MessageRelayStats {
    return {
      mode: this.modeValue,
      perMode: structuredClone(this.perMode),
      modeChanges: this.modeChanges,
      modeAnnounce: this.announcer.getStats(),
      invalidFrames: this.invalidFrames,
      seenSize: this.seen.size,
      flood: this.flood.getStats(),
      gossip: this.gossip.getStats(),
    };
  }

  // ---- internals ---------------------------------------------------------------------------------

  private send(to: PeerId, frame: RelayFrame): void {
    countFrame(this.perMode[this.modeValue], frame, 'out');
    this.env.send(to, frame);
  }

  private receiveMsg(frame: MsgFrame, fromPeer: PeerId): void {
    if (!isMessageId(frame.id)) {
      this.invalidFrames++;
      return;
    }
    if (gossipsIn(this.modeValue)) {
      // Every route goes to the gossip (its own direct copies use route 'flood' too): it dedups on the
      // shared store, delivers through onGossipDelivery (which floods when this mode floods the
      // message) and forwards by its own rules (tree push, lazy ihave, prune on tree cycles).
      if (!this.gossip.receiveMessage(frame, fromPeer) && seenHas(this.seen, frame.id)) this.perMode[this.modeValue].duplicates++;
      return;
    }
    if (seenHas(this.seen, frame.id)) this.perMode[this.modeValue].duplicates++;
    // Flood mode: any copy, including a pushed or pulled one in flight across a switch.
    if (frame.encoding !== 'raw') {
      // Only the gossip sends deflated payloads (to peers that negotiated it) and inflating is
      // asynchronous: let the gossip deliver it, then onGossipDelivery floods the raw payload.
      this.gossip.receiveMessage(frame, fromPeer);
      return;
    }
    if (this.flood.accept(frame, fromPeer) !== 'new') return;
    this.emitMessage(toDelivered(frame, fromPeer), fromPeer);
    this.flood.forward(frame, fromPeer);
    this.gossip.noteMessage(frame, fromPeer);
  }

  private onGossipDelivery(message: DeliveredMessage, fromPeer: PeerId | null): void {
    if (fromPeer === null) return; // the gossip never delivers a node's own messages; be safe
    this.emitMessage(message, fromPeer);
    if (!floodsIn(this.modeValue, message.priority)) return;
    const frame: MsgFrame = {
      kind: 'msg',
      id: message.id,
      origin: message.origin,
      seq: message.seq,
      hops: message.hops,
      priority: message.priority,
      route: 'flood',
      encoding: 'raw',
      payload: message.payload,
    };
    this.flood.forward(frame, fromPeer);
  }

  private ownFrame(id: MessageId, seq: number, priority: Priority, payload: Uint8Array): MsgFrame {
    return { kind: 'msg', id, origin: this.env.localId, seq, hops: 0, priority, route: 'flood', encoding: 'raw', payload };
  }

  private emitMessage(message: DeliveredMessage, fromPeer: PeerId): void {
    this.perMode[this.modeValue].delivered++;
    this.emit('message', message, fromPeer);
  }

  private receiveMode(frame: ModeFrame, fromPeer: PeerId): void {
    if (this.announcer.receive(frame, this.env.clock.now()) !== 'accepted') return;
    this.applyMode(frame.mode, 'remote');
    const out: ModeFrame = { kind: 'mode', mode: frame.mode, epoch: frame.epoch, origin: frame.origin };
    for (const peer of this.peers) if (peer !== fromPeer) this.send(peer, out);
  }

  private applyMode(mode: RelayMode, cause: ModeChange['cause']): void {
    const previous = this.modeValue;
    if (mode === previous) return;
    this.modeValue = mode;
    this.modeChanges++;
    if (this.started) {
      if (gossipsIn(mode) && !gossipsIn(previous)) this.gossip.start();
      if (!gossipsIn(mode) && gossipsIn(previous)) this.gossip.stop();
    }
    this.emit('mode-changed', { mode, previous, cause, epoch: this.announcer.epoch, origin: this.announcer.origin });
  }
}
