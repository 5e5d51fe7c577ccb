/**
 * GossipProtocol on the simulator: one protocol per SimNode, wired to its Transport the way a host
 * would (frames encoded with encodeFrame on send, decoded on 'data'; addPeer on 'connection' with the
 * remote's capabilities, removePeer on 'close'), over a randomRegularishGraph. Records every delivery
 * (node, message key, virtual time, payload copies received) for the simulator tests and the figures
 * in the report. Flood is measured on the same graph and seed for comparison.
 */
import { SeededRandom } from '../../src/core/random.js';
import { GossipProtocol, type GossipProtocolOptions } from '../../src/relay/gossip.js';
import type { RelayFrame } from '../../src/relay/types.js';
import { SimNetwork } from '../../src/transport/sim/network.js';
import { randomRegularishGraph } from '../../src/transport/sim/topology.js';
import type { Connection } from '../../src/core/transport.js';
import { decodeFrame, encodeFrame } from '../../src/wire/codec.js';
import type { MessageId, PeerId, Priority } from '../../src/wire/frames.js';
import { messageIdToKey } from '../../src/wire/ids.js';
import type { SimNetworkOptions } from '../../src/transport/sim/types.js';

export interface GossipSimOptions {
  nodes: number;
  degree: number;
  seed: number;
  net?: Partial<SimNetworkOptions>;
  gossip?: Omit<GossipProtocolOptions, 'env'>;
  capabilities?: readonly string[];
  /**
   * 'wire' (default): frames cross the simulator as encodeFrame bytes. 'object': as a 4-byte handle to
   * the frame object (for debugging the protocol apart from the codec).
   */
  framing?: 'wire' | 'object';
}

export interface Delivery {
  node: PeerId;
  key: string;
  at: number;
  hops: number;
}

export class GossipSim {
  readonly net: SimNetwork;
  readonly ids: PeerId[];
  readonly adjacency: number[][];
  readonly protocols = new Map<PeerId, GossipProtocol>();
  readonly deliveries: Delivery[] = [];
  /** message key → broadcast time. */
  readonly sentAt = new Map<string, number>();
  /** Msg frames received per node per key (payload copies), counted at the transport edge. */
  readonly copies = new Map<string, number>();

  constructor(readonly options: GossipSimOptions) {
    this.net = new SimNetwork({ ...options.net, seed: options.seed });
    this.ids = Array.from({ length: options.nodes }, (_, i) => `n${i}`);
    this.adjacency = randomRegularishGraph(options.nodes, options.degree, new SeededRandom(`graph:${options.seed}`));
    for (const id of this.ids) {
      this.net.addNode(id, (node) => this.boot(node.id, node), { capabilities: options.capabilities ?? [] });
    }
    this.adjacency.forEach((neighbours, i) => {
      for (const j of neighbours) if (j > i) this.net.connect(this.ids[i]!, this.ids[j]!);
    });
  }

  private boot(id: PeerId, node: Parameters<Parameters<SimNetwork['addNode']>[1] & {}>[0]): void {
    const gossip = new GossipProtocol({
      ...this.options.gossip,
      env: { localId: id, clock: node.clock, random: node.random, buggify: node.buggify },
    });
    this.protocols.set(id, gossip);
    const conns = new Map<PeerId, Connection>();
    gossip.onMessage((m) => this.deliveries.push({ node: id, key: m.key, at: node.clock.now(), hops: m.hops }));
    gossip.onForward((frame, toPeers) => {
      const bytes = this.encode(frame);
      for (const p of toPeers) conns.get(p)?.send(bytes);
    });
    node.transport.on('connection', (conn) => {
      conns.set(conn.remotePeerId, conn);
      gossip.addPeer(conn.remotePeerId, conn.remoteCapabilities);
      conn.on('data', (bytes) => {
        const frame = this.decode(bytes);
        if (frame.kind === 'msg') {
          const k = `${id}|${messageIdToKey(frame.id)}`;
          this.copies.set(k, (this.copies.get(k) ?? 0) + 1);
        }
        gossip.receiveMessage(frame, conn.remotePeerId);
      });
      conn.on('close', () => {
        if (conns.get(conn.remotePeerId) === conn) {
          conns.delete(conn.remotePeerId);
          gossip.removePeer(conn.remotePeerId);
        }
      });
    });
    gossip.start();
  }

  private readonly handles = new Map<number, RelayFrame>();
  private nextHandle = 0;

  private encode(frame: RelayFrame): Uint8Array {
    if (this.options.framing !== 'object') return encodeFrame(frame);
    const handle = this.nextHandle++;
    this.handles.set(handle, frame);
    const out = new Uint8Array(4);
    new DataView(out.buffer).setUint32(0, handle);
    return out;
  }

  private decode(bytes: Uint8Array): RelayFrame {
    if (this.options.framing !== 'object') return decodeFrame(bytes) as RelayFrame;
    return this.handles.get(new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0))!;
  }

  gossip(id: PeerId): GossipProtocol {
    return this.protocols.get(id)!;
  }

  broadcast(origin: PeerId, payload: Uint8Array, priority: Priority = 'normal'): string {
    const id: MessageId = this.gossip(origin).broadcast(payload, { priority });
    const key = messageIdToKey(id);
    this.sentAt.set(key, this.net.now());
    return key;
  }

  liveIds(): PeerId[] {
    return this.ids.filter((id) => this.net.node(id).alive);
  }

  /** node → keys delivered (with repeats, so exactly-once can be checked). */
  deliveredBy(): Map<PeerId, string[]> {
    const out = new Map<PeerId, string[]>();
    for (const d of this.deliveries) {
      let list = out.get(d.node);
      if (list === undefined) out.set(d.node, (list = []));
      list.push(d.key);
    }
    return out;
  }

  /** Fraction of (live node ≠ origin, message) pairs delivered. */
  deliveryRatio(keys: readonly string[], origins: ReadonlyMap<string, PeerId>): number {
    const have = new Set(this.deliveries.map((d) => `${d.node}|${d.key}`));
    let want = 0;
    let got = 0;
    for (const node of this.liveIds()) {
      for (const key of keys) {
        if (origins.get(key) === node) continue;
        want++;
        if (have.has(`${node}|${key}`)) got++;
      }
    }
    return want === 0 ? 1 : got / want;
  }
}

/** Latency percentiles (ms) over deliveries of `keys`. */
export function latencyPercentiles(sim: GossipSim, keys: ReadonlySet<string>): { p50: number; p99: number; max: number } {
  const lat = sim.deliveries.filter((d) => keys.has(d.key)).map((d) => d.at - sim.sentAt.get(d.key)!);
  lat.sort((a, b) => a - b);
  const pick = (q: number): number => lat[Math.min(lat.length - 1, Math.floor(q * lat.length))] ?? 0;
  return { p50: pick(0.5), p99: pick(0.99), max: lat.at(-1) ?? 0 };
}
