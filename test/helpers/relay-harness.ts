/**
 * "MessageRelay on a static simulated graph": the glue shared by the relay simulator tests and
 * bench/dissemination.ts. Every node runs a MessageRelay built in its boot function; links come from
 * randomRegularishGraph and stay up (a crashed node stays down). Frames really cross the simulated
 * wire: encodeFrame on send, decodeFrame on receive, so sizes and codec behaviour are the real ones.
 *
 * The mesh records, per node, every delivery (count, time, hops) and, per message, every payload copy
 * received, which is what exactly-once checks and the dissemination metrics are computed from.
 */
import { SeededRandom } from '../../src/core/random.js';
import type { Connection } from '../../src/core/transport.js';
import { MessageRelay } from '../../src/relay/message-relay.js';
import type { MessageRelayOptions } from '../../src/relay/message-relay.js';
import { isRelayFrame } from '../../src/relay/types.js';
import type { RelayFrame } from '../../src/relay/types.js';
import { SimNetwork } from '../../src/transport/sim/network.js';
import { randomRegularishGraph } from '../../src/transport/sim/topology.js';
import type { LinkOptions, SimNode } from '../../src/transport/sim/types.js';
import { decodeFrame, encodeFrame } from '../../src/wire/codec.js';
import type { PeerId, Priority, RelayMode } from '../../src/wire/frames.js';
import { messageIdToKey } from '../../src/wire/ids.js';

export interface RelayMeshOptions {
  nodes: number;
  degree: number;
  seed: number;
  mode: RelayMode;
  /** Per-frame loss on every link. Default 0. */
  loss?: number;
  latencyMs?: number;
  jitterMs?: number;
  /** Other per-frame link faults (duplicate, reorder, …) for every link. */
  link?: Partial<Pick<LinkOptions, 'duplicate' | 'reorder'>>;
  /** Extra MessageRelay options for every node (gossip tuning, hop limit, …). */
  relay?: Omit<MessageRelayOptions, 'env' | 'mode'>;
  /** Virtual time given to the links to open before the mesh is handed over. Default 2000 ms. */
  connectMs?: number;
}

export interface DeliveryRecord {
  count: number;
  /** Virtual time of the first delivery. */
  at: number;
  hops: number;
}

export interface Publication {
  origin: PeerId;
  at: number;
}

export const nodeId = (i: number): PeerId => `n${i}`;

export class RelayMesh {
  readonly net: SimNetwork;
  readonly ids: PeerId[];
  readonly graph: number[][];
  readonly relays = new Map<PeerId, MessageRelay>();
  readonly deliveries = new Map<PeerId, Map<string, DeliveryRecord>>();
  readonly published = new Map<string, Publication>();
  /** Msg frames received (payload copies), per message key. */
  readonly copies = new Map<string, number>();
  /** Encoded bytes sent: msg frames, and every other relay frame. */
  payloadBytes = 0;
  controlBytes = 0;
  decodeErrors = 0;
  private readonly encoded = new WeakMap<RelayFrame, Uint8Array>();

  constructor(readonly options: RelayMeshOptions) {
    this.net = new SimNetwork({
      seed: options.seed,
      loss: options.loss ?? 0,
      ...(options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs }),
      ...(options.jitterMs === undefined ? {} : { jitterMs: options.jitterMs }),
      ...options.link,
    });
    this.ids = Array.from({ length: options.nodes }, (_, i) => nodeId(i));
    this.graph = randomRegularishGraph(options.nodes, options.degree, new SeededRandom(options.seed).fork('graph'));
    for (const id of this.ids) this.net.addNode(id, (node) => this.boot(node));
    this.graph.forEach((neighbours, i) => {
      for (const j of neighbours) if (i < j) this.net.connect(nodeId(i), nodeId(j));
    });
    this.net.runFor(options.connectMs ?? 2_000);
  }

  relay(id: PeerId): MessageRelay {
    const relay = this.relays.get(id);
    if (!relay) throw new Error(`no relay on ${id}`);
    return relay;
  }

  live(): PeerId[] {
    return this.ids.filter((id) => this.net.node(id).alive);
  }

  crash(id: PeerId): void {
    this.net.crash(id);
  }

  /** Broadcasts from `origin` now; returns the message key. */
  broadcast(origin: PeerId, payload: Uint8Array, priority: Priority = 'normal'): string {
    const key = messageIdToKey(this.relay(origin).broadcast(payload, { priority }));
    this.published.set(key, { origin, at: this.net.now() });
    return key;
  }

  runFor(ms: number): void {
    this.net.runFor(ms);
  }

  /** Delivery count of `key` at `node` (0 when never delivered). */
  count(node: PeerId, key: string): number {
    return this.deliveries.get(node)?.get(key)?.count ?? 0;
  }

  /** [node, key, count] for every (live node, message) pair delivered other than exactly once (origins excluded). */
  notExactlyOnce(keys: Iterable<string> = this.published.keys(), nodes: PeerId[] = this.live()): Array<[PeerId, string, number]> {
    const out: Array<[PeerId, string, number]> = [];
    for (const key of keys) {
      const origin = this.published.get(key)?.origin;
      for (const node of nodes) {
        if (node === origin) continue;
        const n = this.count(node, key);
        if (n !== 1) out.push([node, key, n]);
      }
    }
    return out;
  }

  /** Every delivery with count > 1, anywhere (dead nodes included). */
  duplicateDeliveries(): Array<[PeerId, string, number]> {
    const out: Array<[PeerId, string, number]> = [];
    for (const [node, map] of this.deliveries) for (const [key, r] of map) if (r.count > 1) out.push([node, key, r.count]);
    return out;
  }

  private boot(node: SimNode): void {
    const conns = new Map<PeerId, Connection>();
    const relay = new MessageRelay({
      ...this.options.relay,
      mode: this.options.mode,
      env: {
        localId: node.id,
        clock: node.clock,
        random: node.random,
        buggify: node.buggify,
        send: (to, frame) => {
          const conn = conns.get(to);
          if (conn && !conn.closed) conn.send(this.encode(frame));
        },
      },
    });
    const deliveries = new Map<string, DeliveryRecord>();
    this.deliveries.set(node.id, deliveries);
    relay.onMessage((message) => {
      const record = deliveries.get(message.key);
      if (record) record.count++;
      else deliveries.set(message.key, { count: 1, at: this.net.now(), hops: message.hops });
    });
    node.transport.on('connection', (conn) => {
      const peer = conn.remotePeerId;
      conns.set(peer, conn);
      relay.addPeer(peer, conn.remoteCapabilities);
      conn.on('data', (bytes) => this.receive(relay, peer, bytes));
      conn.on('close', () => {
        if (conns.get(peer) !== conn) return;
        conns.delete(peer);
        relay.removePeer(peer);
      });
    });
    this.relays.set(node.id, relay);
    relay.start();
  }

  private encode(frame: RelayFrame): Uint8Array {
    let bytes = this.encoded.get(frame);
    if (bytes === undefined) {
      bytes = encodeFrame(frame);
      this.encoded.set(frame, bytes);
    }
    if (frame.kind === 'msg') this.payloadBytes += bytes.length;
    else this.controlBytes += bytes.length;
    return bytes;
  }

  private receive(relay: MessageRelay, from: PeerId, bytes: Uint8Array): void {
    let frame;
    try {
      frame = decodeFrame(bytes);
    } catch {
      this.decodeErrors++;
      return;
    }
    if (!isRelayFrame(frame)) return;
    if (frame.kind === 'msg') {
      const key = messageIdToKey(frame.id);
      this.copies.set(key, (this.copies.get(key) ?? 0) + 1);
    }
    relay.receiveFrame(from, frame);
  }
}
