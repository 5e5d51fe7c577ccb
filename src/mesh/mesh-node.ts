/**
 * MeshNode: one peer of the mesh, wired from the layers below — a Transport (sim, TCP, WebRTC or a
 * composite), the PeerManager (who we are connected to), the MessageRelay (flood/gossip) and a
 * SeenStore (dedup). It holds no I/O of its own: createMeshNode (browser) and the Node variant build
 * the transports and stores and hand them in, and the simulator builds MeshNodes over SimTransports.
 *
 * Data path: relay frames from the PeerManager go to the relay; the relay's sends go back through the
 * PeerManager; deliveries surface as 'message' (payloads inflated when they travelled deflated).
 */
import type { Clock } from '../core/clock.js';
import { TypedEmitter } from '../core/emitter.js';
import type { Random } from '../core/random.js';
import type { Transport } from '../core/transport.js';
import type { Buggify } from '../core/buggify.js';
import type { PeerManagerConfig } from '../peers/config.js';
import { PeerManager } from '../peers/peer-manager.js';
import type { KnownPeerInput, PeerManagerEvents, PeerManagerStats } from '../peers/types.js';
import { MessageRelay, type MessageRelayStats, type ModeChange } from '../relay/message-relay.js';
import type { DeliveredMessage, RelayFrame, SeenStore } from '../relay/types.js';
import { encodeFrameView } from '../wire/codec.js';
import type { GossipOptionsInput } from '../relay/gossip-options.js';
import type { PeerId, RelayMode, Role } from '../wire/frames.js';
import { messageIdToKey } from '../wire/ids.js';
import type { MeshBroadcastOptions, MeshMessage, MeshPeerInfo } from './types.js';

/**
 * The gossip's flood phase (a message's first hops also go to lazy peers, for latency) pays off only in
 * big meshes; below this many known nodes a MeshNode gossips along the tree alone.
 */
export const MESH_FLOOD_PHASE_MIN_NODES = 64;

/** Peer events re-emitted unchanged from the PeerManager. */
export const PEER_EVENTS = [
  'peer:connected',
  'peer:disconnected',
  'peer:suspect',
  'peer:unreachable',
  'peer:down',
  'peer:failed',
  'peer:dead',
  'peer:recovered',
  'peer:gave-up',
] as const;
type PeerEventName = (typeof PEER_EVENTS)[number];

export type MeshNodeEvents = Pick<PeerManagerEvents, PeerEventName> & {
  message: (message: MeshMessage) => void;
  mode: (change: ModeChange) => void;
  error: (err: unknown) => void;
  closed: () => void;
  /**
   * The signaling room reports that this member left (closed its tab, left the room, lost its signaling
   * connection). Room members only; says nothing about a mesh link that may still be open.
   * (Added for the demo, issue 7: it shows a lost peer that left the room as down at once.)
   */
  'peer:left': (id: PeerId) => void;
};

export interface MeshNodeParts {
  localId: PeerId;
  role: Role;
  transport: Transport;
  clock: Clock;
  random: Random;
  buggify?: Buggify;
  seen: SeenStore;
  /** Our own dial addresses, announced to peers (TCP listen address, the peer id for WebRTC). */
  addrs?: string[];
  mode?: RelayMode;
  floodHopLimit?: number;
  gossip?: GossipOptionsInput;
  peerConfig?: Partial<PeerManagerConfig>;
  /** Called by close() after the node stopped: transports, signaling, store flushes. */
  onClose?: () => Promise<void>;
}

export interface MeshStats {
  id: PeerId;
  mode: RelayMode;
  /** Messages this node broadcast. */
  sent: number;
  /** Messages delivered to the application. */
  delivered: number;
  /** Payload copies received again and dropped (every mode). */
  duplicates: number;
  /** Duplicates per delivered message: the relative message redundancy this node saw. */
  rmr: number;
  payloadBytesIn: number;
  payloadBytesOut: number;
  controlBytesIn: number;
  controlBytesOut: number;
  relay: MessageRelayStats;
  peers: PeerManagerStats;
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

export class MeshNode extends TypedEmitter<MeshNodeEvents> {
  readonly id: PeerId;
  readonly peerManager: PeerManager;
  readonly relay: MessageRelay;
  /** The transport the node runs on (a CompositeTransport when it has several). */
  readonly transport: Transport;
  private sent = 0;
  private delivered = 0;
  private closing: Promise<void> | undefined;
  private readyPromise: Promise<void> = Promise.resolve();
  private lastEncoded: { frame: RelayFrame | undefined; bytes: Uint8Array } = { frame: undefined, bytes: new Uint8Array(0) };

  constructor(private readonly parts: MeshNodeParts) {
    super();
    this.id = parts.localId;
    this.transport = parts.transport;
    this.peerManager = new PeerManager({
      localId: parts.localId,
      role: parts.role,
      clock: parts.clock,
      random: parts.random.fork('peers'),
      transport: parts.transport,
      ...(parts.buggify ? { buggify: parts.buggify } : {}),
      config: parts.peerConfig ?? {},
      ...(parts.addrs ? { addrs: parts.addrs } : {}),
    });
    this.relay = new MessageRelay({
      env: {
        localId: parts.localId,
        clock: parts.clock,
        random: parts.random.fork('relay'),
        ...(parts.buggify ? { buggify: parts.buggify } : {}),
        send: (to, frame) => this.sendRelayFrame(to, frame),
      },
      seen: parts.seen,
      ...(parts.mode ? { mode: parts.mode } : {}),
      ...(parts.floodHopLimit === undefined ? {} : { floodHopLimit: parts.floodHopLimit }),
      gossip: { floodPhaseMinNodes: MESH_FLOOD_PHASE_MIN_NODES, ...parts.gossip },
    });

    const pm = this.peerManager;
    pm.on('neighbor-up', (id, capabilities) => {
      this.relay.addPeer(id, capabilities);
      // Membership knows how big the room is; the gossip sizes its flood phase and fanout by it.
      this.relay.setNetworkSizeHint(pm.table.size + 1);
    });
    // While closing, the PeerManager's goodbyes must not make the gossip repair its tree (graft frames
    // sent to neighbours right before our bye).
    pm.on('neighbor-down', (id) => {
      if (!this.closing) this.relay.removePeer(id);
    });
    pm.on('frame', (from, frame) => this.relay.receiveFrame(from, frame));
    pm.on('error', (err) => this.emit('error', err));
    for (const event of PEER_EVENTS) {
      pm.on(event, ((...args: unknown[]) => (this.emit as (e: string, ...a: unknown[]) => void)(event, ...args)) as never);
    }
    this.relay.onMessage((message) => this.deliver(message));
    this.relay.onModeChanged((change) => this.emit('mode', change));
    this.relay.on('error', (err) => this.emit('error', err));
  }

  /**
   * Settles once the node is up: stores loaded, listeners bound, the signaling room joined. Rejects when
   * startup failed (the failure is also emitted as 'error').
   */
  get ready(): Promise<void> {
    return this.readyPromise;
  }

  /** Runs `startup` (which calls start() when the node may start) and exposes it as `ready`. */
  boot(startup: (node: this) => Promise<void>): this {
    const run = startup(this);
    run.catch((err: unknown) => this.emit('error', err));
    this.readyPromise = run;
    return this;
  }

  /** Whether close() was called. */
  get isClosed(): boolean {
    return this.closing !== undefined;
  }

  /** Starts accepting and dialing, and the relay's rounds. Does nothing once close() was called. */
  start(): void {
    if (this.closing) return;
    this.peerManager.start();
    this.relay.start();
  }

  get mode(): RelayMode {
    return this.relay.mode;
  }

  /** Tells the node a peer exists (signaling, bootstrap lists). */
  addKnownPeer(peer: KnownPeerInput): boolean {
    return this.peerManager.addKnownPeer(peer);
  }

  removeKnownPeer(id: PeerId): void {
    this.peerManager.removeKnownPeer(id);
  }

  /** The signaling room says `id` left: it is no longer dialed, and 'peer:left' tells the application. */
  roomMemberLeft(id: PeerId): void {
    this.removeKnownPeer(id);
    this.emit('peer:left', id);
  }

  /**
   * Sends `data` to every node of the mesh (never delivered locally); returns the message id (hex).
   * Strings travel as UTF-8.
   */
  broadcast(data: Uint8Array | string, options: MeshBroadcastOptions = {}): string {
    if (this.closing) throw new Error('meshcast: broadcast on a closed node');
    const payload = typeof data === 'string' ? utf8.encode(data) : data;
    const id = this.relay.broadcast(payload, options.priority ? { priority: options.priority } : {});
    this.sent++;
    return messageIdToKey(id);
  }

  /**
   * Like broadcast, but a payload above the gossip's compressionThreshold (default 1 KiB) is deflated
   * first (CompressionStream), so it crosses the mesh smaller; receivers get the original bytes. Async
   * because compression is. In flood mode it sends raw, like broadcast.
   */
  async broadcastCompressed(data: Uint8Array | string, options: MeshBroadcastOptions = {}): Promise<string> {
    if (this.closing) throw new Error('meshcast: broadcast on a closed node');
    const payload = typeof data === 'string' ? utf8.encode(data) : data;
    const id = await this.relay.broadcastCompressed(payload, options.priority ? { priority: options.priority } : {});
    this.sent++;
    return messageIdToKey(id);
  }

  /** Switches the relay mode on this node, or (announce, the default) on the whole mesh. */
  setMode(mode: RelayMode, options: { announce?: boolean } = {}): void {
    this.relay.setMode(mode, { announce: options.announce ?? true });
  }

  /** Every peer this node knows, with its state. */
  peers(): MeshPeerInfo[] {
    return this.peerManager.stats().peers.map((p) => ({
      id: p.id,
      state: p.state,
      connected: p.connected,
      role: p.role,
      ...(p.rttMs === undefined ? {} : { rttMs: p.rttMs }),
    }));
  }

  stats(): MeshStats {
    const relay = this.relay.getStats();
    const g = relay.gossip;
    const duplicates = Object.values(relay.perMode).reduce((sum, m) => sum + m.duplicates, 0);
    return {
      id: this.id,
      mode: relay.mode,
      sent: this.sent,
      delivered: this.delivered,
      duplicates,
      rmr: this.delivered === 0 ? 0 : duplicates / this.delivered,
      payloadBytesIn: g.payloadBytesIn + relay.flood.payloadBytesIn,
      payloadBytesOut: g.payloadBytesOut + relay.flood.payloadBytesOut,
      controlBytesIn: g.controlBytesIn,
      controlBytesOut: g.controlBytesOut,
      relay,
      peers: this.peerManager.stats(),
    };
  }

  /** Leaves the mesh: bye to every neighbour, timers stopped, transports and stores closed. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.relay.stop();
      this.peerManager.stop();
      await this.parts.onClose?.();
      this.emit('closed');
    })();
    return this.closing;
  }

  /**
   * The relay hands the same frame object to every neighbour it forwards to: encode it once, not once per
   * neighbour (frames are never mutated after they are sent).
   */
  private sendRelayFrame(to: PeerId, frame: RelayFrame): void {
    if (frame !== this.lastEncoded.frame) {
      let bytes: Uint8Array;
      try {
        bytes = encodeFrameView(frame);
      } catch (err) {
        this.emit('error', err);
        return;
      }
      this.lastEncoded = { frame, bytes };
    }
    this.peerManager.send(to, this.lastEncoded.bytes);
  }

  private deliver(m: DeliveredMessage): void {
    // A deflated message can finish inflating after close(): nothing is delivered past 'closed'.
    if (m.from === null || this.closing) return;
    this.delivered++;
    // Own properties only (a copy made with {...message} keeps them all); text is one shared function.
    const message: MeshMessage = {
      id: m.key,
      origin: m.origin,
      from: m.from,
      hops: m.hops,
      priority: m.priority,
      data: m.payload,
      text: textOfData,
    };
    this.emit('message', message);
  }
}

/** MeshMessage.text: `this.data` decoded as UTF-8. */
function textOfData(this: MeshMessage): string {
  return utf8Decoder.decode(this.data);
}
