/**
 * WebRtcTransport's bounds, with their defaults. Everything a remote peer or the signaling channel can
 * make us allocate is capped here.
 */
import {
  DEFAULT_CHUNK_BYTES,
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_MAX_REASSEMBLIES,
  DEFAULT_MAX_REASSEMBLY_BYTES,
  DEFAULT_REASSEMBLY_TIMEOUT_MS,
} from '../../wire/limits.js';

export interface WebRtcLimits {
  /** Largest data-channel message we send (chunk size). ≤ 16 KiB interoperates with every browser. */
  chunkBytes: number;
  maxFrameBytes: number;
  maxReassemblies: number;
  maxReassemblyBytes: number;
  reassemblyTimeoutMs: number;
  /** Connections being negotiated at once (inbound offers + our dials); excess offers are refused. */
  maxPendingPeers: number;
  /** A negotiation that has not opened a channel and exchanged hellos by then is abandoned. */
  connectTimeoutMs: number;
  /** Signal messages from one peer during one negotiation (SDP + ICE candidates). */
  maxSignalsPerNegotiation: number;
  /** Wire errors (bad chunks, bad hello) tolerated on one connection before it is closed. */
  maxWireErrors: number;
  /** simple-peer's write buffer; send() returns false past it and 'drain' follows. */
  highWaterMarkBytes: number;
  /**
   * Bytes queued towards a peer that stopped reading (send() past the high-water mark keeps queueing);
   * past this the connection is closed rather than growing memory without bound.
   */
  maxBufferedBytes: number;
}

export const DEFAULT_WEBRTC_LIMITS: WebRtcLimits = {
  chunkBytes: DEFAULT_CHUNK_BYTES,
  maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
  maxReassemblies: DEFAULT_MAX_REASSEMBLIES,
  maxReassemblyBytes: DEFAULT_MAX_REASSEMBLY_BYTES,
  reassemblyTimeoutMs: DEFAULT_REASSEMBLY_TIMEOUT_MS,
  maxPendingPeers: 64,
  connectTimeoutMs: 20_000,
  maxSignalsPerNegotiation: 256,
  maxWireErrors: 16,
  highWaterMarkBytes: 256 * 1024,
  maxBufferedBytes: 64 * 1024 * 1024,
};
