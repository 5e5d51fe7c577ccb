/**
 * Test harness: PeerManagers on the deterministic simulator, with a log of every peer event in virtual
 * time (ms since the cluster was built) so tests can assert timelines.
 */
import { PEER_EVENTS } from '../../src/mesh/mesh-node.js';
import { PeerManager } from '../../src/peers/index.js';
import type { PeerConfigInput, PeerManagerEvents } from '../../src/peers/index.js';
import { SimNetwork } from '../../src/transport/sim/index.js';
import type { SimNetworkOptions, SimNode } from '../../src/transport/sim/index.js';
import type { PeerId, Role } from '../../src/wire/frames.js';

export interface LoggedEvent {
  /** Virtual ms since the cluster's t0. */
  at: number;
  node: PeerId;
  event: keyof PeerManagerEvents;
  peer: PeerId;
}

const LOGGED: readonly (keyof PeerManagerEvents)[] = PEER_EVENTS;

export interface ClusterOptions {
  net?: Partial<SimNetworkOptions>;
  config?: PeerConfigInput;
  /** Per node: peers told to it by the host at boot (default: every other node). */
  bootstrap?: (id: PeerId, index: number) => PeerId[];
  role?: (id: PeerId) => Role;
  /** false: PeerManagers are built but not started. */
  start?: boolean;
}

export class Cluster {
  readonly net: SimNetwork;
  readonly pms = new Map<PeerId, PeerManager>();
  readonly log: LoggedEvent[] = [];
  /** Dials seen on each node's transport: [node, target, at]. */
  readonly dials: { node: PeerId; target: string; at: number }[] = [];
  readonly t0: number;
  private readonly down = new Set<PeerId>();

  constructor(
    readonly ids: PeerId[],
    readonly opts: ClusterOptions = {},
  ) {
    this.net = new SimNetwork({ seed: 1, ...opts.net });
    this.t0 = this.net.now();
    ids.forEach((id, i) => {
      this.net.addNode(id, (node) => this.boot(node, i));
    });
    // Start only once every node exists, so bootstrap dials find their targets; restarts start at once.
    if (opts.start !== false) for (const pm of this.pms.values()) pm.start();
    this.booted = true;
  }

  private booted = false;

  /** Virtual ms since t0. */
  get now(): number {
    return this.net.now() - this.t0;
  }

  /** Keeps `id` from booting a PeerManager (until `bootUp(id)`): a host that is down from the start. */
  holdDown(id: PeerId): void {
    this.down.add(id);
    this.pms.get(id)?.stop();
    this.pms.delete(id);
    this.net.crash(id);
  }

  bootUp(id: PeerId): void {
    this.down.delete(id);
    this.net.restart(id);
  }

  pm(id: PeerId): PeerManager {
    const pm = this.pms.get(id);
    if (pm === undefined) throw new Error(`no PeerManager on ${id}`);
    return pm;
  }

  private boot(node: SimNode, index: number): void {
    if (this.down.has(node.id)) return;
    const pm = new PeerManager({
      localId: node.id,
      role: this.opts.role?.(node.id) ?? 'server',
      clock: node.clock,
      random: node.random,
      transport: node.transport,
      buggify: node.buggify,
      config: this.opts.config,
    });
    const id = node.id;
    for (const ev of LOGGED) {
      pm.on(ev, ((peer: PeerId) => this.log.push({ at: this.now, node: id, event: ev, peer })) as never);
    }
    const origDial = node.transport.dial.bind(node.transport);
    node.transport.dial = (address: string) => {
      this.dials.push({ node: id, target: address, at: this.now });
      origDial(address);
    };
    this.pms.set(id, pm);
    const known = this.opts.bootstrap?.(id, index) ?? this.ids.filter((x) => x !== id);
    for (const k of known) pm.addKnownPeer({ id: k, role: this.opts.role?.(k) ?? 'server' });
    if (this.booted) pm.start();
  }

  events(node: PeerId, event: keyof PeerManagerEvents, peer?: PeerId): LoggedEvent[] {
    return this.log.filter((e) => e.node === node && e.event === event && (peer === undefined || e.peer === peer));
  }

  dialTimes(node: PeerId, target: PeerId): number[] {
    return this.dials.filter((d) => d.node === node && d.target === target).map((d) => d.at);
  }

  /** Live nodes' active views as an undirected graph; connected iff one component. */
  overlayConnected(live: PeerId[]): boolean {
    const liveSet = new Set(live);
    if (live.length === 0) return true;
    const seen = new Set<PeerId>([live[0] as PeerId]);
    const stack = [live[0] as PeerId];
    while (stack.length > 0) {
      const id = stack.pop() as PeerId;
      for (const n of this.pms.get(id)?.connectedPeers() ?? []) {
        if (liveSet.has(n) && !seen.has(n)) {
          seen.add(n);
          stack.push(n);
        }
      }
    }
    return seen.size === live.length;
  }

  /** Every pair among `ids` is connected (both ends list each other). */
  fullMesh(ids: PeerId[]): boolean {
    for (const a of ids) {
      const view = new Set(this.pms.get(a)?.connectedPeers() ?? []);
      for (const b of ids) if (a !== b && !view.has(b)) return false;
    }
    return true;
  }
}
