/**
 * Public types of the peer manager: options, events, stats, and the per-peer entry it keeps.
 */
import type { Buggify } from '../core/buggify.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Random } from '../core/random.js';
import type { Transport } from '../core/transport.js';
import type { RelayFrame } from '../relay/types.js';
import type { PeerId, Role } from '../wire/frames.js';
import type { PeerConfigInput } from './config.js';
import type { FailureRecord } from './failure-tracker.js';

/**
 * A peer's health as seen from here.
 * - known: in the table, never tried or nothing wrong known.
 * - connected: an accepted connection is open.
 * - suspect: the connection dropped (EOF) or stopped answering; consensus pending.
 * - unreachable: we cannot reach it but the neighbours we asked can.
 * - down: we and a majority of the neighbours we asked cannot reach it (or no one could be asked).
 * - failed: maxPeerFailures connection attempts in a row failed.
 * - dead: failed/down for deadPeerTimeoutMs; its announced records are dropped, its address kept.
 */
export type PeerHealth = 'known' | 'connected' | 'suspect' | 'unreachable' | 'down' | 'failed' | 'dead';

export type SuspectCause = 'eof' | 'liveness';

/** What the host (bootstrap list, signaling) tells the manager about a peer. */
export interface KnownPeerInput {
  id: PeerId;
  /** Dial addresses; for sim and WebRTC the peer id itself (the default). */
  addrs?: string[];
  role?: Role;
}

export interface PeerManagerOptions {
  localId: PeerId;
  role: Role;
  clock: Clock;
  random: Random;
  transport: Transport;
  buggify?: Buggify;
  config?: PeerConfigInput;
  /** Our own dial addresses, announced in peer records (default: [localId]). */
  addrs?: string[];
}

export interface PeerEntry {
  id: PeerId;
  role: Role;
  addrs: string[];
  /** Who told us about it: 'host' (addKnownPeer) or the neighbour whose peers frame carried it. */
  source: 'host' | PeerId;
  health: PeerHealth;
  /** Last contact with the peer itself (a frame or a connection), or when we learned of it. */
  lastSeen: number;
  failure: FailureRecord;
  /** We are the dialer and want a connection: an attempt is scheduled or running. */
  targeted: boolean;
  dialing: boolean;
  attemptTimer: TimerHandle | undefined;
  nextAttemptAt: number | undefined;
  deadTimer: TimerHandle | undefined;
  /** When the current failed/down episode started (for the dead-peer timeout). */
  downSince: number | undefined;
  rttMs: number | undefined;
  /** Total connection attempts made. */
  attemptsMade: number;
  /** When the latest attempt started (the discovery timetable counts from attempt starts). */
  lastAttemptAt: number | undefined;
  /** Whether it was ever connected in this run (then a lost peer recovering is `peer:recovered`). */
  everConnected: boolean;
}

export type PeerManagerEvents = {
  /** A connection completed its handshake and the peer joined our active view. */
  'peer:connected': (id: PeerId, info: { role: Role; outbound: boolean; capabilities: readonly string[] }) => void;
  /** An active connection ended (any reason). */
  'peer:disconnected': (id: PeerId, reason: string) => void;
  /** For the relay: a neighbour joined the active view. */
  'neighbor-up': (id: PeerId, capabilities: readonly string[]) => void;
  /** For the relay: a neighbour left the active view. */
  'neighbor-down': (id: PeerId) => void;
  'peer:suspect': (id: PeerId, cause: SuspectCause) => void;
  'peer:unreachable': (id: PeerId, tally: { asked: number; reachable: number; unreachable: number }) => void;
  'peer:down': (id: PeerId, tally: { asked: number; reachable: number; unreachable: number }) => void;
  'peer:failed': (id: PeerId, failures: number) => void;
  /** deadPeerTimeoutMs passed: its announced records were dropped (count given); its address is kept. */
  'peer:dead': (id: PeerId, droppedRecords: number) => void;
  /** A peer that was suspect/unreachable/down/failed/dead is connected again. */
  'peer:recovered': (id: PeerId) => void;
  /** The reconnect schedule ran out of attempts (maxAttempts by role). */
  'peer:gave-up': (id: PeerId, attempts: number) => void;
  /** A relay frame (msg, ihave, iwant, digest, prune, graft, mode) from a neighbour, unchanged. */
  frame: (from: PeerId, frame: RelayFrame) => void;
  error: (err: Error) => void;
};

export interface PeerStat {
  id: PeerId;
  role: Role;
  state: PeerHealth;
  connected: boolean;
  /** For connected peers: whether we dialed. */
  outbound: boolean | undefined;
  targeted: boolean;
  schedule: 'discovery' | 'reconnect';
  /** Failed attempts in a row (kameo failure count). */
  failures: number;
  attemptsMade: number;
  /** Milliseconds until the next attempt, when one is scheduled. */
  nextAttemptInMs: number | undefined;
  rttMs: number | undefined;
  lastSeenAgoMs: number;
  source: string;
}

export interface PeerManagerCounters {
  /** Frames of the peer manager's own (hello, ping, pong, peers, neighbor, query, answer, bye). */
  framesSent: number;
  /** Frames the host sent through send() (relay traffic), not counted in framesSent. */
  hostFramesSent: number;
  framesReceived: number;
  /** Frames sent by kind (hello, ping, pong, peers, neighbor, query, answer, bye). */
  sentByKind: Record<string, number>;
  dials: number;
  dialFailures: number;
  connectionsAccepted: number;
  duplicateConnections: number;
  handshakeTimeouts: number;
  livenessTimeouts: number;
  eofs: number;
  suspects: number;
  downs: number;
  unreachables: number;
  failures: number;
  deads: number;
  recoveries: number;
  gaveUp: number;
  consensusQueries: number;
  answersSent: number;
  /** Bad input, by reason (decode errors by WireError code, rate limits, bad records, …). */
  rejected: Record<string, number>;
  recordsDropped: number;
  byesReceived: Record<string, number>;
}

export interface PeerManagerStats {
  localId: PeerId;
  role: Role;
  active: number;
  passive: number;
  peers: PeerStat[];
  counters: PeerManagerCounters;
  inflightQueries: number;
}
