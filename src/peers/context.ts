/**
 * What the peer manager's parts (membership, health) share: the config, the injected clock/random,
 * the table, counters, and a few actions. PeerManager implements it; the parts never see the transport
 * or each other directly except through it.
 */
import type { Buggify } from '../core/buggify.js';
import type { Clock } from '../core/clock.js';
import type { Random } from '../core/random.js';
import type { MeshFrame, PeerId, Role } from '../wire/frames.js';
import type { PeerManagerConfig } from './config.js';
import type { PeerTable } from './peer-table.js';
import type { PeerEntry, PeerManagerCounters, PeerManagerEvents } from './types.js';

export interface PeerContext {
  readonly localId: PeerId;
  readonly role: Role;
  readonly addrs: string[];
  readonly cfg: PeerManagerConfig;
  readonly clock: Clock;
  readonly random: Random;
  readonly buggify: Buggify;
  readonly table: PeerTable;
  readonly counters: PeerManagerCounters;
  readonly running: boolean;
  /** Accepted neighbours: the active view. */
  neighbours(): PeerId[];
  /** Pool slots in use: accepted links plus our own dials still in their handshake. */
  poolUsed(): number;
  isLinked(id: PeerId): boolean;
  /** Encodes and sends one of our frames; false when there is no link. */
  sendFrame(to: PeerId, frame: MeshFrame): boolean;
  /** Opens a connection (the caller already checked the dial rule). */
  dial(entry: PeerEntry): void;
  notify<K extends keyof PeerManagerEvents>(event: K, ...args: Parameters<PeerManagerEvents[K]>): void;
  /** Counts bad input by reason. */
  reject(reason: string): void;
}

export function newEntry(id: PeerId, role: Role, addrs: string[], source: 'host' | PeerId, now: number): PeerEntry {
  return {
    id,
    role,
    addrs,
    source,
    health: 'known',
    lastSeen: now,
    failure: { schedule: 'discovery', failures: 0, role },
    targeted: false,
    dialing: false,
    attemptTimer: undefined,
    nextAttemptAt: undefined,
    deadTimer: undefined,
    downSince: undefined,
    rttMs: undefined,
    attemptsMade: 0,
    lastAttemptAt: undefined,
    everConnected: false,
  };
}
