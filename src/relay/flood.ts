/**
 * FloodRouter: the seed's original relay. Every message seen for the first time goes to every peer but
 * the one it came from. Sans-IO: frames go out through RelayEnv.send; dedup is the injected SeenStore
 * (shared with the gossip inside MessageRelay, so a message is delivered once whichever path brings it).
 *
 * Hops: a frame carries the number of links it has crossed (the origin's neighbours see hops = 1). A
 * frame past the hop limit is dropped and counted without being marked seen (another path may still
 * bring it legitimately); a frame at the limit is delivered but not forwarded further.
 *
 * Flood's guarantee: a message reaches every node joined to its origin by a path of live links that
 * delivered it (within the hop limit). It has no repair: a node whose every incoming copy was lost never
 * gets the message. That is what the gossip modes add.
 */
import type { MessageId, MsgFrame, PeerId, Priority } from '../wire/frames.js';
import { MessageIdFactory } from '../wire/ids.js';
import { DEFAULT_FLOOD_HOP_LIMIT } from './limits.js';
import { isMessageId, seenAdd, toDelivered } from './message.js';
import type { BroadcastOptions, DeliveredMessage, RelayEnv, SeenStore } from './types.js';

export interface FloodRouterOptions {
  env: RelayEnv;
  seen: SeenStore;
  /** Most links a flooded frame may cross. Default DEFAULT_FLOOD_HOP_LIMIT. */
  hopLimit?: number;
}

/** The outcome of offering a received msg frame to the router. */
export type FloodVerdict = 'new' | 'duplicate' | 'hop-limit' | 'invalid';

export interface FloodStats {
  peerCount: number;
  /** Msg frames offered (received from peers). */
  received: number;
  /** New messages (first sighting on this node). */
  accepted: number;
  /** Frames for messages already seen: dropped (the same message replayed by many peers lands here). */
  duplicates: number;
  /** Frames past the hop limit: dropped. */
  hopLimitDropped: number;
  /** New messages at the hop limit: delivered but not forwarded. */
  hopLimitStopped: number;
  /** Frames with an id of the wrong shape: dropped. */
  invalid: number;
  originated: number;
  /** Msg frames sent (one per peer per forward). */
  framesOut: number;
  payloadBytesIn: number;
  payloadBytesOut: number;
}

export type FloodMessageHandler = (message: DeliveredMessage, fromPeer: PeerId) => void;

export class FloodRouter {
  readonly hopLimit: number;
  private readonly env: RelayEnv;
  private readonly seen: SeenStore;
  private readonly peers = new Set<PeerId>();
  private readonly handlers: FloodMessageHandler[] = [];
  private ids: MessageIdFactory | undefined;
  private readonly stats: Omit<FloodStats, 'peerCount'> = {
    received: 0,
    accepted: 0,
    duplicates: 0,
    hopLimitDropped: 0,
    hopLimitStopped: 0,
    invalid: 0,
    originated: 0,
    framesOut: 0,
    payloadBytesIn: 0,
    payloadBytesOut: 0,
  };

  constructor(options: FloodRouterOptions) {
    this.env = options.env;
    this.seen = options.seen;
    const limit = options.hopLimit ?? DEFAULT_FLOOD_HOP_LIMIT;
    this.hopLimit = Number.isInteger(limit) && limit > 0 ? limit : DEFAULT_FLOOD_HOP_LIMIT;
  }

  /** Standalone use: called once per new message (MessageRelay uses accept/forward instead). */
  onMessage(handler: FloodMessageHandler): void {
    this.handlers.push(handler);
  }

  addPeer(id: PeerId): void {
    if (id !== this.env.localId) this.peers.add(id);
  }

  removePeer(id: PeerId): void {
    this.peers.delete(id);
  }

  get peerCount(): number {
    return this.peers.size;
  }

  /** Standalone broadcast: mints an id, marks it seen, floods it. Returns the id. */
  broadcast(payload: Uint8Array, options: BroadcastOptions = {}): MessageId {
    this.ids ??= new MessageIdFactory(this.env.localId, this.env.random.nextU32());
    const { id, seq } = this.ids.next();
    const frame: MsgFrame = {
      kind: 'msg',
      id,
      origin: this.env.localId,
      seq,
      hops: 0,
      priority: options.priority ?? 'normal',
      route: 'flood',
      encoding: 'raw',
      payload,
    };
    this.originate(frame);
    return id;
  }

  /** Marks a message this node created as seen and floods it to every peer. */
  originate(frame: MsgFrame): void {
    if (!isMessageId(frame.id)) return;
    seenAdd(this.seen, frame.id, this.env.clock.now());
    this.stats.originated++;
    this.forward(frame, null);
  }

  /** Standalone receive: accept, then deliver and forward when new. Returns true for a new message. */
  receiveMessage(frame: MsgFrame, fromPeer: PeerId): boolean {
    if (this.accept(frame, fromPeer) !== 'new') return false;
    const delivered = toDelivered(frame, fromPeer);
    for (const handler of this.handlers) handler(delivered, fromPeer);
    this.forward(frame, fromPeer);
    return true;
  }

  /**
   * Checks a received frame against the hop limit and the seen store, marking it seen when new. Does not
   * deliver or forward: the caller decides (MessageRelay delivers once and forwards by its mode).
   */
  accept(frame: MsgFrame, _fromPeer: PeerId): FloodVerdict {
    this.stats.received++;
    this.stats.payloadBytesIn += frame.payload.byteLength;
    if (!isMessageId(frame.id)) {
      this.stats.invalid++;
      return 'invalid';
    }
    if (!(frame.hops <= this.hopLimit)) {
      this.stats.hopLimitDropped++;
      return 'hop-limit';
    }
    if (!seenAdd(this.seen, frame.id, this.env.clock.now())) {
      this.stats.duplicates++;
      return 'duplicate';
    }
    this.stats.accepted++;
    return 'new';
  }

  /**
   * Sends `frame` (route 'flood', one hop more) to every peer but `except`. Returns the number of frames
   * sent: 0 when the frame is at the hop limit.
   */
  forward(frame: MsgFrame, except: PeerId | null): number {
    if (frame.hops >= this.hopLimit) {
      if (except !== null) this.stats.hopLimitStopped++;
      return 0;
    }
    // One frame object for every peer: hosts may encode it once.
    const out: MsgFrame = { ...frame, hops: frame.hops + 1, route: 'flood' };
    let sent = 0;
    for (const peer of this.peers) {
      if (peer === except) continue;
      this.env.send(peer, out);
      sent++;
    }
    this.stats.framesOut += sent;
    this.stats.payloadBytesOut += sent * frame.payload.byteLength;
    return sent;
  }

  getStats(): FloodStats {
    return { peerCount: this.peers.size, ...this.stats };
  }
}
