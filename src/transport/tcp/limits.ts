/**
 * Every bound and timing knob of the TCP transport, in one place, each next to its default.
 * TcpTransport takes `limits: Partial<TcpLimits>`; what is not given comes from DEFAULT_TCP_LIMITS.
 */
import { DEFAULT_MAX_FRAME_BYTES } from '../../wire/limits.js';

export interface TcpLimits {
  /** Largest frame accepted; a larger declared length closes the connection before any body is buffered. */
  maxFrameBytes: number;
  /** Inbound sockets open at once (handshaking or identified); excess sockets are destroyed on accept. */
  maxConnections: number;
  /** Inbound sockets open at once from one remote IP address. */
  maxConnectionsPerAddress: number;
  /** The remote hello must arrive within this long of the socket opening (after TLS on outbound). */
  handshakeTimeoutMs: number;
  /** dial(): the TCP connect (and TLS handshake) must finish within this long, else 'dial-failed' 'timeout'. */
  dialTimeoutMs: number;
  /**
   * A frame whose first bytes arrived must be complete within this long (slowloris: a partial frame that
   * stalls or trickles). Measured from the last frame boundary.
   */
  frameTimeoutMs: number;
  /**
   * No bytes in either direction for this long closes the connection (a half-open socket). Generous next
   * to the liveness ping (30 s), which keeps a healthy link busy. 0 disables.
   */
  idleTimeoutMs: number;
  /** TCP keepalive probe delay (setKeepAlive). */
  keepAliveDelayMs: number;
  /** send() returns false once more than this many bytes are queued; 'drain' follows when the queue empties. */
  highWaterMarkBytes: number;
  /**
   * Hard ceiling on queued outbound bytes: a sender that ignores send()'s false towards a peer that does
   * not read would otherwise grow the queue without bound. Past it the connection is closed.
   */
  maxBufferedBytes: number;
  /** Frames that fail to decode (malformed, bad_field, bad_version, a second hello) before the connection is closed. unknown_kind does not count. */
  maxDecodeErrors: number;
  /** After close() sends FIN, a peer that does not close its side within this long is destroyed. */
  closeTimeoutMs: number;
}

export const DEFAULT_TCP_LIMITS: Readonly<TcpLimits> = Object.freeze({
  maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
  maxConnections: 1024,
  maxConnectionsPerAddress: 32,
  handshakeTimeoutMs: 10_000,
  dialTimeoutMs: 10_000,
  frameTimeoutMs: 30_000,
  idleTimeoutMs: 300_000,
  keepAliveDelayMs: 30_000,
  highWaterMarkBytes: 1024 * 1024,
  maxBufferedBytes: 64 * 1024 * 1024,
  maxDecodeErrors: 16,
  closeTimeoutMs: 5_000,
});

/** Defaults overlaid with `overrides` (undefined entries ignored). */
export function resolveTcpLimits(overrides: Partial<TcpLimits> = {}): TcpLimits {
  const out: TcpLimits = { ...DEFAULT_TCP_LIMITS };
  for (const key of Object.keys(overrides) as (keyof TcpLimits)[]) {
    const v = overrides[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !(v >= 0)) throw new RangeError(`TcpLimits.${key} must be a number ≥ 0, got ${String(v)}`);
    out[key] = v;
  }
  return out;
}
