/**
 * Counters of one TcpTransport. Connections update the live object; stats() hands out a copy.
 * Every key is from a fixed set (reasons below, WireError codes), so the maps stay small whatever the
 * network sends.
 */
import type { HelloFailure } from '../hello.js';
import type { WireErrorCode } from '../../wire/errors.js';

/**
 * Why a connection ended (or never got past the hello). Stable codes for stats; the human reason goes
 * with the 'close' / 'dial-failed' event.
 */
export type TcpCloseCause =
  /** The first frame was refused (see judgeFirstFrame): a bye, another version, our own id, … */
  | HelloFailure
  /** close() was called on the connection. */
  | 'local'
  /** The remote closed its side (FIN) without a bye. */
  | 'eof'
  /** The remote sent bye, then closed. */
  | 'remote-bye'
  /** The socket failed (reset, EPIPE, a TLS alert, …). */
  | 'socket-error'
  | 'handshake-timeout'
  | 'frame-timeout'
  | 'idle-timeout'
  /** A framing error (oversize or zero length: the stream cannot be resynchronised) or a bad first frame. */
  | 'protocol-error'
  | 'version-mismatch'
  /** maxDecodeErrors frames failed to decode. */
  | 'too-many-errors'
  /** The remote's hello claimed our own peer id (we dialed ourselves). */
  | 'self-connection'
  /** The queue of a peer that does not read passed maxBufferedBytes. */
  | 'send-overflow'
  /** TcpTransport.close(). */
  | 'transport-closed';

/** Inbound sockets refused on accept, before any byte is read. */
export type TcpAdmissionReject = 'total-cap' | 'per-address-cap' | 'closing';

export interface TcpStats {
  /** Identified connections open now (both directions). */
  open: number;
  /** Sockets open now that have not finished the hello (both directions). */
  handshaking: number;
  inbound: {
    /** Inbound connections that completed the hello. */
    accepted: number;
    /** Inbound sockets destroyed on accept by a cap, or that failed before the hello completed. */
    rejected: Partial<Record<TcpAdmissionReject | TcpCloseCause | 'tls', number>>;
  };
  outbound: {
    /** Dials that completed the hello. */
    established: number;
    /** Dials that failed, by cause ('refused', 'timeout', 'unreachable', … or a close cause). */
    failed: Record<string, number>;
  };
  /** Identified connections that closed, by cause. */
  closed: Partial<Record<TcpCloseCause, number>>;
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
  /** Inbound frames that failed framing or decoding, by WireError code (unknown_kind frames are skipped). */
  wireErrors: Partial<Record<WireErrorCode, number>>;
}

export function emptyTcpStats(): TcpStats {
  return {
    open: 0,
    handshaking: 0,
    inbound: { accepted: 0, rejected: {} },
    outbound: { established: 0, failed: {} },
    closed: {},
    framesIn: 0,
    framesOut: 0,
    bytesIn: 0,
    bytesOut: 0,
    wireErrors: {},
  };
}

export function bump<K extends string>(counts: Partial<Record<K, number>>, key: K, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}

export function copyTcpStats(s: TcpStats): TcpStats {
  return {
    ...s,
    inbound: { accepted: s.inbound.accepted, rejected: { ...s.inbound.rejected } },
    outbound: { established: s.outbound.established, failed: { ...s.outbound.failed } },
    closed: { ...s.closed },
    wireErrors: { ...s.wireErrors },
  };
}
