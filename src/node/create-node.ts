/**
 * createMeshNode for Node (meshcast/node): the browser entry's options plus TCP — listen for server
 * peers, dial bootstrap addresses, optional mutual TLS — and, given a room, a WebRTC bridge into the
 * browser mesh through the signaling server (simple-peer with @roamhq/wrtc). Seen ids can live in a
 * file so a restarted server peer does not deliver again what it delivered before.
 */
import WebSocket from 'ws';
import { BootstrapDialer } from '../mesh/bootstrap.js';
import type { MeshNode } from '../mesh/mesh-node.js';
import { buildMeshNode, createSignaling, memorySeenStore, NODE_CAPABILITIES, resolveBasics, seenStoreLimits, startUp, type NodeSeenStore } from '../mesh/setup.js';
import type { MeshNodeOptions } from '../mesh/types.js';
import type { SignalingClient } from '../signaling/client.js';
import type { WebSocketConstructor } from '../signaling/index.js';
import { CompositeTransport, type RoutedTransport } from '../transport/composite.js';
import { TcpTransport } from '../transport/tcp/tcp-transport.js';
import type { TcpLimits } from '../transport/tcp/limits.js';
import type { TcpTlsOptions } from '../transport/tcp/tls.js';
import { parseTcpAddress } from '../transport/tcp/address.js';
import { WebRtcTransport } from '../transport/webrtc/webrtc-transport.js';
import { FileSeenStore } from './file-seen-store.js';
import { nodePeerFactory } from './webrtc-peer.js';

export interface NodeMeshOptions extends MeshNodeOptions {
  /** 'HOST:PORT' (or tcp://HOST:PORT) to accept server peers on; port 0 picks a free port. */
  listen?: string;
  /** Server peers to dial at start ('HOST:PORT' or tcp://… / tls://…); retried with backoff. */
  connect?: string[];
  /** Mutual TLS for every TCP link (listen and dial). */
  tls?: TcpTlsOptions;
  tcpLimits?: Partial<TcpLimits>;
  /** Keep seen ids in this file across restarts (dedup 'memory' otherwise, unless `dedup` is given). */
  seenFile?: string;
}

export interface NodeMeshNode extends MeshNode {
  /** The TCP address peers can dial (after `ready`), e.g. 'tcp://127.0.0.1:7001'. */
  listenAddress(): string | undefined;
}

const TCP_ADDRESS = /^(tcp|tls):\/\//;

function tcpAddress(hostPort: string): string {
  return TCP_ADDRESS.test(hostPort) ? hostPort : `tcp://${hostPort}`;
}

/** 'HOST:PORT' or tcp://HOST:PORT to listen on; unlike a dial address, port 0 (any free port) is fine. */
export function parseListenAddress(value: string): { host: string; port: number } | undefined {
  const parsed = parseTcpAddress(tcpAddress(value).replace(/:0$/, ':1'));
  if (!parsed) return undefined;
  return { host: parsed.host, port: /:0$/.test(value) ? 0 : parsed.port };
}

function nodeSeenStore(options: NodeMeshOptions): NodeSeenStore {
  if (typeof options.dedup === 'object') return options.dedup;
  if (options.seenFile) {
    return new FileSeenStore({ path: options.seenFile, ...seenStoreLimits(options) });
  }
  return memorySeenStore(options);
}

export function createMeshNode(options: NodeMeshOptions): NodeMeshNode {
  const basics = resolveBasics(options, 'server');
  if (!options.listen && !options.connect?.length && !options.room) {
    throw new RangeError('meshcast: give listen, connect or room (with signaling)');
  }
  const seen = nodeSeenStore(options);
  const routes: RoutedTransport[] = [];
  let tcp: TcpTransport | undefined;
  if (options.listen || options.connect?.length) {
    const listen = options.listen ? parseListenAddress(options.listen) : undefined;
    if (options.listen && !listen) throw new RangeError(`meshcast: listen must be HOST:PORT, got ${options.listen}`);
    tcp = new TcpTransport({
      peerId: basics.peerId,
      role: basics.role,
      capabilities: NODE_CAPABILITIES,
      ...(listen ? { listen: { host: listen.host, port: listen.port } } : {}),
      ...(options.tls ? { tls: options.tls } : {}),
      ...(options.tcpLimits ? { limits: options.tcpLimits } : {}),
      // The PeerManager decodes every frame and closes links that keep sending bad ones: decoding here too
      // would halve throughput.
      validateInbound: false,
      clock: basics.clock,
    });
    routes.push({ transport: tcp, handles: (address) => TCP_ADDRESS.test(address) });
  }
  let signaling: SignalingClient | undefined;
  if (options.room) {
    signaling = createSignaling({ ...options, WebSocket: options.WebSocket ?? (WebSocket as unknown as WebSocketConstructor) }, basics);
    const webrtc = new WebRtcTransport({
      peerId: basics.peerId,
      role: basics.role,
      capabilities: NODE_CAPABILITIES,
      signaling: signaling!,
      createPeer: nodePeerFactory(),
      iceServers: options.iceServers ?? [],
      clock: basics.clock,
    });
    routes.push({ transport: webrtc, handles: (address) => !TCP_ADDRESS.test(address) });
  }
  const transport = routes.length === 1 ? routes[0]!.transport : new CompositeTransport(routes);
  // Filled in once the listener is bound (port 0 → the real port), before the node starts.
  const addrs: string[] = [];
  let bootstrap: BootstrapDialer | undefined;
  const node = buildMeshNode(options, basics, { transport, seen, signaling, addrs, before: () => bootstrap?.stop() }) as NodeMeshNode;
  node.listenAddress = () => tcp?.listenAddress();
  if (options.connect?.length) {
    bootstrap = new BootstrapDialer(transport, basics.clock, basics.random.fork('bootstrap'), options.connect.map(tcpAddress), (id) =>
      node.peerManager.connectedPeers().includes(id),
    );
  }
  return node.boot((n) =>
    startUp(n, {
      load: seen.load?.bind(seen),
      bind: async () => {
        if (options.listen) await transport.listen();
        const listenAddr = tcp?.listenAddress();
        if (listenAddr && options.listen) addrs.push(listenAddr);
        if (options.room) addrs.push(basics.peerId);
      },
      started: () => {
        bootstrap?.start();
        basics.log(`node ${basics.peerId} up${tcp?.listenAddress() ? ` on ${tcp.listenAddress()}` : ''}`);
      },
      signaling,
      log: basics.log,
    }),
  );
}
