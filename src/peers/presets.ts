/**
 * Config profiles, like memberlist's LAN/WAN/local. Values marked "kameo" are the ones the kameo_remote
 * timing document gives in its "Configuration Tips"; every other value is ours and says why.
 * A preset is a partial config: pass it to the PeerManager (`config: { ...presets.fastDetection, ... }`).
 */
import type { PeerManagerConfig } from './config.js';

export type PeerPreset = Readonly<Partial<PeerManagerConfig>>;

/** Gaming / real time: a frozen neighbour is declared down within ~3 s, a dropped one in ~150 ms. */
export const fastDetection: PeerPreset = Object.freeze({
  gossipIntervalMs: 500, // kameo
  maxPeerFailures: 2, // kameo
  peerRetryIntervalMs: 1_000, // kameo
  // Ours (the document gives no liveness numbers): ping after 1 s of silence, 200 ms per pong, 8 missed
  // pongs in a row (each retried at once): ≤ 1 s + 8 × 200 ms after the last frame heard. At 5% loss per
  // frame a round trip fails ~10% of the time; 8 failures in a row happen about once per 10^8 rounds, so
  // healthy neighbours are not dropped, while a frozen one is declared down in < 3 s.
  pingIntervalMs: 1_000,
  pongTimeoutMs: 200,
  maxMissedPongs: 8,
  // Ours: a small active view keeps pings ≤ 10 frames per node per second (1 per neighbour per second).
  activeViewTarget: 4,
  maxPooledConnections: 12,
  // Ours: reconnection starts at the kameo retry interval instead of 5 s; dials and handshakes give up sooner.
  backoffInitialMs: 1_000,
  backoffMaxMs: 30_000,
  dialTimeoutMs: 2_000,
  handshakeTimeoutMs: 2_000,
  isolationDialDelayMs: 1_500, // ours: 3 × its gossip interval, as the default
  handshakeRetryMs: 200,
  consensusTimeoutMs: 300,
  viewAnnounceDelayMs: 100,
});

/** Microservices / stable links: slow to suspect, slow to forget. */
export const stableNetwork: PeerPreset = Object.freeze({
  gossipIntervalMs: 10_000, // kameo
  maxPeerFailures: 5, // kameo
  peerRetryIntervalMs: 30_000, // kameo
  deadPeerTimeoutMs: 3_600_000, // kameo: 1 hour
  // Ours: liveness twice as patient as the default (60 s pings, 5 misses).
  pingIntervalMs: 60_000,
  maxMissedPongs: 5,
  consensusTimeoutMs: 2_000,
});

/** Rooms of 100+ peers: a partial view with more headroom for inbound connections. */
export const largeNetwork: PeerPreset = Object.freeze({
  maxPooledConnections: 50, // kameo (its max_gossip_peers: 5 is the relay's fanout, set on the relay)
  gossipIntervalMs: 10_000, // kameo
  // Ours: HyParView-style partial view — dial for 8 neighbours (≈ log2(500) - 1), accept up to 50.
  activeViewTarget: 8,
  maxPassivePeers: 200,
  // Ours: more links mean more chances of a streak of lost pongs; 5 misses (as stableNetwork) instead of 3.
  maxMissedPongs: 5,
  shuffleIntervalMs: 60_000,
});

export const presets = Object.freeze({ fastDetection, stableNetwork, largeNetwork });
export type PresetName = keyof typeof presets;
