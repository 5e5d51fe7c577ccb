/**
 * Every bound of the signaling server, with its default, in one place. Each is configurable through
 * `createSignalingServer({ limits: { ... } })` and each has a test in test/signaling/.
 */
import { MAX_ROOM_PEERS_PER_FRAME } from '../../src/wire/limits.js';

export interface SignalingLimits {
  /** Largest WebSocket message accepted (bytes); bigger → the connection is closed with 1009. */
  maxPayloadBytes: number;
  /** Most frames one fragmented WebSocket message may come in; more → closed with 1009. */
  maxFragmentsPerMessage: number;
  /** Token bucket per connection: sustained messages per second ... */
  messagesPerSecond: number;
  /** ... and the burst a connection may send at once. Frames over the rate are dropped (rate_limited). */
  messageBurst: number;
  /** Members of one room. At most MAX_ROOM_PEERS_PER_FRAME + 1 so a `joined` frame can list them all. */
  maxRoomSize: number;
  /** Rooms that exist at once on the server. */
  maxRooms: number;
  /** Rooms one connection may be in at once. */
  maxRoomsPerConnection: number;
  /** Open TCP connections (WebSocket or plain HTTP) in total; more are destroyed on accept. */
  maxConnections: number;
  /** Open TCP connections from one remote address; more are destroyed on accept. */
  maxConnectionsPerIp: number;
  /** Ping every interval; a connection that has not answered the previous ping is terminated. */
  heartbeatIntervalMs: number;
  /** A connection must join a room within this long of connecting (or of leaving its last room). */
  joinTimeoutMs: number;
  /** Errors a connection may cause within errorWindowMs; reaching it closes the connection (1008). */
  maxErrors: number;
  errorWindowMs: number;
  /** Bytes queued towards one client; a client that reads slower than it is sent to is terminated. */
  maxBufferedBytes: number;
  /** HTTP: the whole request head must arrive within this long (slowloris) ... */
  headersTimeoutMs: number;
  /** ... and the whole request within this long. */
  requestTimeoutMs: number;
  /** How often Node checks the two timeouts above. */
  connectionsCheckingIntervalMs: number;
  /** close(): how long to wait for clients to finish the close handshake before terminating them. */
  shutdownTimeoutMs: number;
  /** One connection's close handshake (a policy close, a protocol error): its socket is destroyed after this. */
  closeTimeoutMs: number;
}

export const DEFAULT_SIGNALING_LIMITS: Readonly<SignalingLimits> = Object.freeze({
  maxPayloadBytes: 64 * 1024,
  maxFragmentsPerMessage: 64,
  messagesPerSecond: 50,
  messageBurst: 100,
  maxRoomSize: 256,
  maxRooms: 10_000,
  maxRoomsPerConnection: 8,
  maxConnections: 10_000,
  maxConnectionsPerIp: 64,
  heartbeatIntervalMs: 30_000,
  joinTimeoutMs: 10_000,
  maxErrors: 10,
  errorWindowMs: 10_000,
  maxBufferedBytes: 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  connectionsCheckingIntervalMs: 1_000,
  shutdownTimeoutMs: 5_000,
  closeTimeoutMs: 5_000,
});

/** The longest delay Node's timers take (2^31 − 1 ms, about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Defaults overlaid with `overrides`; throws on a value no server could run with (a config bug). */
export function resolveSignalingLimits(overrides: Partial<SignalingLimits> = {}): SignalingLimits {
  const limits: SignalingLimits = { ...DEFAULT_SIGNALING_LIMITS };
  for (const [key, value] of Object.entries(overrides) as [keyof SignalingLimits, number | undefined][]) {
    if (value === undefined) continue;
    if (!(key in DEFAULT_SIGNALING_LIMITS)) throw new TypeError(`unknown signaling limit: ${key}`);
    if (typeof value !== 'number' || !(value > 0)) throw new RangeError(`limit ${key} must be a positive number`);
    // Node fires a longer timer after 1 ms (with a warning): a timeout past it would run every millisecond.
    if (key.endsWith('Ms') && value > MAX_TIMER_MS) throw new RangeError(`limit ${key} must be at most ${MAX_TIMER_MS} ms`);
    limits[key] = value;
  }
  if (limits.maxRoomSize > MAX_ROOM_PEERS_PER_FRAME + 1) {
    throw new RangeError(`maxRoomSize must be ≤ ${MAX_ROOM_PEERS_PER_FRAME + 1} (peers listed in one joined frame)`);
  }
  return limits;
}
