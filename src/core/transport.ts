/**
 * The transport provider interface. The simulator (transport/sim), TCP (transport/tcp) and WebRTC
 * (transport/webrtc) implement it; protocol code sees only these types.
 *
 * A Connection is message-oriented: send() takes one encoded frame and the remote side's 'data' event
 * yields exactly that frame. Providers do their own framing (a length prefix on TCP, chunks of at most
 * 16 KiB on WebRTC). A connection is open when handed out: its remote peer id is known (from the
 * transport's hello exchange, or from signaling for WebRTC).
 *
 * Everything protocol code needs from a transport is synchronous calls plus events: no promises on the
 * protocol path, because a promise continuation would run outside the simulator's virtual time.
 */
import type { TypedEmitter } from './emitter.js';
import type { PeerId, Role } from '../wire/frames.js';

export type ConnectionEvents = {
  /** One whole frame from the remote peer. */
  data: (frame: Uint8Array) => void;
  /** Buffered bytes fell below the low-water mark after send() returned false. */
  drain: () => void;
  /** The connection ended (EOF, reset, local close). Emitted once. */
  close: (reason: string) => void;
  /** A transport-level error; a 'close' follows when it is fatal. */
  error: (err: Error) => void;
};

export interface Connection extends Pick<TypedEmitter<ConnectionEvents>, 'on' | 'off' | 'once'> {
  /** The peer at the other end. */
  readonly remotePeerId: PeerId;
  /** Whether we dialed (true) or accepted (false). */
  readonly outbound: boolean;
  /** Capabilities the remote announced in its hello (empty where the provider has no hello). */
  readonly remoteCapabilities: readonly string[];
  /**
   * The remote's role from the hello the provider exchanged itself (TCP, WebRTC). Undefined where the
   * provider has no hello (the simulator): the PeerManager then runs the hello exchange on the link.
   */
  readonly remoteRole?: Role | undefined;
  /** For outbound connections, the address given to dial() (how a bootstrap address maps to a peer). */
  readonly dialAddress?: string | undefined;
  /** Bytes queued and not yet handed to the network. */
  readonly bufferedAmount: number;
  readonly closed: boolean;
  /**
   * Queues one frame. Returns false when the buffer is over its high-water mark: the caller should wait
   * for 'drain' before sending more (the frame was still queued). `frame` may be a view into a buffer
   * shared with other frames (the encoder's slab): send its own bytes, never the whole `.buffer`, and
   * never transfer that buffer.
   */
  send(frame: Uint8Array): boolean;
  /** Closes the connection; 'close' fires with this reason. */
  close(reason?: string): void;
}

export type TransportEvents = {
  /** A connection is open and identified: inbound, or the outcome of dial() (conn.outbound). */
  connection: (conn: Connection) => void;
  /** dial(address) did not produce a connection. */
  'dial-failed': (address: string, reason: string) => void;
  error: (err: Error) => void;
};

export interface Transport extends Pick<TypedEmitter<TransportEvents>, 'on' | 'off' | 'once'> {
  /** 'sim' | 'tcp' | 'webrtc' — for logs and stats. */
  readonly kind: string;
  readonly localPeerId: PeerId;
  /** Starts accepting inbound connections (no-op for providers that always accept). */
  listen(): Promise<void>;
  /**
   * Starts opening a connection to `address` (a peer id for sim/WebRTC, `tcp://host:port` for TCP).
   * The outcome arrives as an event — 'connection' or 'dial-failed' — never as a promise, so that the
   * simulator can run protocol code synchronously in virtual time.
   */
  dial(address: string): void;
  /** Closes the listener and every connection. */
  close(): Promise<void>;
}
