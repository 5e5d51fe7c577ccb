/**
 * The high-level API's public types: what createMeshNode takes and what a MeshNode gives back.
 */
import type { Clock } from '../core/clock.js';
import type { Random } from '../core/random.js';
import type { PeerManagerConfig } from '../peers/config.js';
import type { PresetName } from '../peers/presets.js';
import type { PeerHealth } from '../peers/types.js';
import type { GossipOptionsInput } from '../relay/gossip-options.js';
import type { SeenStore } from '../relay/types.js';
import type { WebSocketConstructor } from '../signaling/index.js';
import type { PeerId, Priority, RelayMode, Role } from '../wire/frames.js';

export interface MeshNodeOptions {
  /** The room to join through the signaling server (browser peers; Node peers bridging into a room). */
  room?: string;
  /** Signaling server URL, e.g. 'ws://localhost:8787'. Required with `room`. */
  signaling?: string;
  /** Room secret, when the signaling server requires one. */
  secret?: string;
  /** This node's id (1–64 characters). Default: a random id. */
  peerId?: PeerId;
  /** Default 'browser' from the browser entry, 'server' from meshcast/node. */
  role?: Role;
  /** ICE servers for WebRTC. Default [] (LAN / loopback). No public STUN server is ever used unless given. */
  iceServers?: RTCIceServer[];
  relay?: {
    /** Starting relay mode. Default 'gossip' (DEFAULT_RELAY_MODE); 'flood'/'hybrid' start a migration. */
    mode?: RelayMode;
    /** Flood hop limit. */
    floodHopLimit?: number;
  } & GossipOptionsInput;
  /**
   * Where seen message ids are kept: 'memory', 'indexeddb' (browsers: a reload never re-delivers), or a
   * SeenStore of your own. Default: 'indexeddb' where IndexedDB exists, else 'memory'.
   */
  dedup?: 'memory' | 'indexeddb' | SeenStore;
  /** Peer-lifecycle timing: a preset name or explicit PeerManager config. Default: the config defaults. */
  preset?: PresetName | Partial<PeerManagerConfig>;
  /** WebSocket constructor for signaling where there is no global one (Node 20: `ws`). */
  WebSocket?: WebSocketConstructor;
  /** Injected time and randomness (tests, simulations). Default: the real clock, a crypto-seeded PRNG. */
  clock?: Clock;
  random?: Random;
  /** One line per event (connections, mode changes, errors). Default: silent. */
  logger?: (line: string) => void;
}

/** A message delivered to the application (exactly once per node per id within the seen TTL). */
export interface MeshMessage {
  /** The message id as 32 hex digits. */
  id: string;
  origin: PeerId;
  /** The neighbour it arrived from. */
  from: PeerId;
  hops: number;
  priority: Priority;
  data: Uint8Array;
  /** data decoded as UTF-8. */
  text(): string;
}

export interface MeshPeerInfo {
  id: PeerId;
  state: PeerHealth;
  /** In the active view (an open, accepted connection). */
  connected: boolean;
  role: Role;
  rttMs?: number;
}

export interface MeshBroadcastOptions {
  priority?: Priority;
}
