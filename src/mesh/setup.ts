/**
 * The parts of createMeshNode that the browser entry and meshcast/node share: option checks, defaults,
 * joining a signaling room, and the relay/peer settings a MeshNode takes.
 */
import { RealClock } from '../core/clock.js';
import { cryptoSeededRandom, randomId } from '../core/random.js';
import type { Clock } from '../core/clock.js';
import type { Random } from '../core/random.js';
import { MemorySeenStore } from '../dedup/memory.js';
import type { PeerManagerConfig } from '../peers/config.js';
import { presets } from '../peers/presets.js';
import { DEFAULT_GOSSIP_OPTIONS } from '../relay/gossip-options.js';
import type { SeenStore } from '../relay/types.js';
import { SignalingClient } from '../signaling/client.js';
import { SignalingError, SignalingErrorCode } from '../signaling/errors.js';
import { DEFLATE_CAPABILITY } from '../relay/gossip-compression.js';
import type { PeerId, Role } from '../wire/frames.js';
import { MAX_PEER_ID_LENGTH, MAX_ROOM_LENGTH } from '../wire/limits.js';
import { MeshNode, type MeshNodeParts } from './mesh-node.js';
import type { Transport } from '../core/transport.js';
import type { MeshNodeOptions } from './types.js';

/** Capabilities every meshcast node announces in its hello. */
export const NODE_CAPABILITIES: readonly string[] = [DEFLATE_CAPABILITY];

export interface ResolvedBasics {
  peerId: PeerId;
  role: Role;
  clock: Clock;
  random: Random;
  peerConfig: Partial<PeerManagerConfig>;
  log: (line: string) => void;
}

export function resolveBasics(options: MeshNodeOptions, defaultRole: Role): ResolvedBasics {
  if (options.room !== undefined) {
    if (typeof options.room !== 'string' || options.room.length === 0 || options.room.length > MAX_ROOM_LENGTH) {
      throw new RangeError(`meshcast: room must be 1–${MAX_ROOM_LENGTH} characters`);
    }
    if (!options.signaling) throw new RangeError('meshcast: a room needs a signaling URL (signaling: "ws://host:port")');
  }
  const random = options.random ?? cryptoSeededRandom();
  const peerId = options.peerId ?? randomId(random.fork('id'));
  if (peerId.length === 0 || peerId.length > MAX_PEER_ID_LENGTH) {
    throw new RangeError(`meshcast: peerId must be 1–${MAX_PEER_ID_LENGTH} characters`);
  }
  return {
    peerId,
    role: options.role ?? defaultRole,
    clock: options.clock ?? new RealClock(),
    random,
    peerConfig: resolvePreset(options.preset),
    log: options.logger ?? (() => {}),
  };
}

export function resolvePreset(preset: MeshNodeOptions['preset']): Partial<PeerManagerConfig> {
  const base = preset === undefined ? {} : typeof preset === 'string' ? presets[preset] : preset;
  if (base === undefined) throw new RangeError(`meshcast: unknown preset ${String(preset)}`);
  return { ...base, capabilities: [...NODE_CAPABILITIES] };
}

/** The relay part of MeshNodeParts from the user's `relay` option. */
export function relayParts(options: MeshNodeOptions): Pick<MeshNodeParts, 'mode' | 'floodHopLimit' | 'gossip'> {
  const { mode, floodHopLimit, ...gossip } = options.relay ?? {};
  return {
    ...(mode ? { mode } : {}),
    ...(floodHopLimit === undefined ? {} : { floodHopLimit }),
    gossip,
  };
}

/** The seen TTL follows the gossip's maxMessageAge: ids are kept as long as messages can still arrive. */
export function memorySeenStore(options: MeshNodeOptions): SeenStore {
  return new MemorySeenStore(seenStoreLimits(options));
}

/** A seen store's TTL and size from the relay options: ids live as long as their messages can arrive. */
export function seenStoreLimits(options: MeshNodeOptions): { ttlMs: number; maxEntries: number } {
  return {
    ttlMs: options.relay?.maxMessageAge ?? DEFAULT_GOSSIP_OPTIONS.maxMessageAge,
    maxEntries: options.relay?.limits?.maxSeenEntries ?? DEFAULT_GOSSIP_OPTIONS.limits.maxSeenEntries,
  };
}

export function createSignaling(options: MeshNodeOptions, basics: ResolvedBasics): SignalingClient | undefined {
  if (!options.room || !options.signaling) return undefined;
  return new SignalingClient({
    url: options.signaling,
    room: options.room,
    peerId: basics.peerId,
    role: basics.role,
    clock: basics.clock,
    random: basics.random.fork('signaling'),
    ...(options.secret ? { secret: options.secret } : {}),
    ...(options.WebSocket ? { WebSocket: options.WebSocket } : {}),
  });
}

/** A seen store as createMeshNode uses it: persistent ones load, flush and close. */
export type NodeSeenStore = SeenStore & { load?: () => Promise<unknown>; flush?: () => Promise<void>; close?: () => Promise<void> };

/**
 * Builds the MeshNode both createMeshNode variants run: its parts from the resolved options, and a close
 * that stops `before` (dialers), signaling, the transport, then flushes and closes the seen store.
 */
export function buildMeshNode(
  options: MeshNodeOptions,
  basics: ResolvedBasics,
  io: { transport: Transport; seen: NodeSeenStore; signaling?: SignalingClient | undefined; addrs?: string[]; before?: () => void },
): MeshNode {
  return new MeshNode({
    localId: basics.peerId,
    role: basics.role,
    transport: io.transport,
    clock: basics.clock,
    random: basics.random,
    seen: io.seen,
    ...(io.addrs ? { addrs: io.addrs } : {}),
    peerConfig: basics.peerConfig,
    ...relayParts(options),
    onClose: async () => {
      io.before?.();
      io.signaling?.close();
      await io.transport.close();
      await io.seen.close?.();
    },
  });
}

/** Join refusals that retrying cannot fix: `ready` rejects with them. */
const FATAL_JOIN_ERRORS: ReadonlySet<string> = new Set([SignalingErrorCode.unauthorized]);

export interface StartupSteps {
  /** Restores persisted state (seen ids) before any message can arrive. */
  load?: (() => Promise<unknown>) | undefined;
  /** Binds listeners (TCP) before the node starts. */
  bind?: (() => Promise<void>) | undefined;
  /** Runs right after start() (bootstrap dials). */
  started?: (() => void) | undefined;
  signaling?: SignalingClient | undefined;
  log: (line: string) => void;
}

/**
 * The startup sequence both createMeshNode variants run inside node.boot(): load, bind, start, join the
 * room. A close() during any step ends it there: nothing is started or dialed after the node closed.
 */
export async function startUp(node: MeshNode, steps: StartupSteps): Promise<void> {
  await steps.load?.();
  if (node.isClosed) return;
  await steps.bind?.();
  if (node.isClosed) return;
  node.start();
  steps.started?.();
  if (steps.signaling) await joinRoom(node, steps.signaling, steps.log);
}

/**
 * Feeds room membership from signaling into the node: members are known peers (the PeerManager decides
 * who dials whom); a member that left is no longer dialed. Resolves once the room is joined (or the node
 * closed first); rejects when the server refuses the join for good (a wrong room secret).
 */
export function joinRoom(node: MeshNode, signaling: SignalingClient, log: (line: string) => void): Promise<void> {
  signaling.on('peer-joined', (id) => {
    log(`room: ${id} joined`);
    node.addKnownPeer({ id });
  });
  signaling.on('peer-left', (id) => {
    log(`room: ${id} left`);
    node.roomMemberLeft(id);
  });
  signaling.on('state', (state) => log(`signaling: ${state}`));
  const joined = new Promise<void>((resolve, reject) => {
    signaling.on('error', (err) => {
      log(`signaling error: ${err.message}`);
      if (err instanceof SignalingError && FATAL_JOIN_ERRORS.has(err.code)) reject(err);
    });
    node.once('closed', () => resolve());
    signaling.on('joined', (peers) => {
      log(`room: joined with ${peers.length} other member(s)`);
      for (const id of peers) node.addKnownPeer({ id });
      resolve();
    });
  });
  signaling.connect();
  return joined;
}
