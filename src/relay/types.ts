/**
 * Contracts shared by the relay components (GossipProtocol, FloodRouter, MessageRelay) and the dedup
 * stores. Relay code is sans-IO: time, randomness and sending are injected (RelayEnv).
 */
import type { Buggify } from '../core/buggify.js';
import type { Clock } from '../core/clock.js';
import type { Random } from '../core/random.js';
import type {
  DigestFrame,
  GraftFrame,
  IHaveFrame,
  IWantFrame,
  MessageId,
  ModeFrame,
  MsgFrame,
  PeerId,
  Priority,
  PruneFrame,
} from '../wire/frames.js';

/** Frames the relay layer sends and handles; everything else belongs to the peer manager. */
export type RelayFrame = MsgFrame | IHaveFrame | IWantFrame | DigestFrame | PruneFrame | GraftFrame | ModeFrame;

export const RELAY_FRAME_KINDS: ReadonlySet<string> = new Set([
  'msg',
  'ihave',
  'iwant',
  'digest',
  'prune',
  'graft',
  'mode',
]);

export function isRelayFrame(frame: { kind: string }): frame is RelayFrame {
  return RELAY_FRAME_KINDS.has(frame.kind);
}

/** What the application receives, once per message id per node within the seen TTL. */
export interface DeliveredMessage {
  id: MessageId;
  /** messageIdToKey(id): a compact string form, handy for logs and maps. */
  key: string;
  origin: PeerId;
  seq: number;
  hops: number;
  priority: Priority;
  payload: Uint8Array;
  /** The neighbour it arrived from; null for the node's own broadcasts (never delivered locally). */
  from: PeerId | null;
}

export interface BroadcastOptions {
  priority?: Priority;
}

/** What a relay component needs from its host. */
export interface RelayEnv {
  localId: PeerId;
  clock: Clock;
  random: Random;
  buggify?: Buggify;
  /** Queue a frame to a neighbour. Fire and forget: the host encodes and writes it. */
  send(to: PeerId, frame: RelayFrame): void;
}

/**
 * Dedup of seen message ids (as messageIdToKey strings). has/add are O(1) and synchronous (hot path);
 * persistent stores write behind in batches and are loaded before the node starts.
 */
export interface SeenStore {
  has(key: string): boolean;
  /**
   * Records `key` as seen at `now` (ms on the injected clock's timeline). The built-in stores return true
   * when it was new; a store that returns nothing still works (the relay then asks has() first).
   */
  add(key: string, now: number): boolean | void;
  /**
   * Optional fast path: has/add by the raw 16-byte id, so the relay builds no key string per message
   * (MemorySeenStore and the persistent stores have them; a store without them gets keys).
   */
  hasId?(id: MessageId): boolean;
  addId?(id: MessageId, now: number): boolean;
  /** Drops entries older than the TTL; returns how many were dropped. */
  prune(now: number): number;
  readonly size: number;
}

export type MessageIdLike = MessageId;
