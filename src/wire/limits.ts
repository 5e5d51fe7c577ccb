/**
 * Every bound of the wire protocol, in one place. docs/PROTOCOL.md lists the same numbers.
 * Decoders take overrides of DEFAULT_FRAME_LIMITS; the per-field bounds are protocol constants.
 */

/** Largest encoded frame accepted by default (bytes). Configurable per decoder. */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
/** Bytes in a message id. */
export const MESSAGE_ID_BYTES = 16;
/** Longest peer id, room name or capability string (UTF-8 characters). */
export const MAX_PEER_ID_LENGTH = 64;
export const MAX_ROOM_LENGTH = 64;
export const MAX_CAPABILITY_LENGTH = 32;
export const MAX_CAPABILITIES = 32;
/** Ids in one ihave / iwant / digest / graft frame. */
export const MAX_IDS_PER_FRAME = 1024;
/** Records in one peers frame, and peer ids in one joined frame. */
export const MAX_RECORDS_PER_FRAME = 64;
export const MAX_ROOM_PEERS_PER_FRAME = 1024;
/** Addresses per peer record and length of one address. */
export const MAX_ADDRS_PER_RECORD = 8;
export const MAX_ADDR_LENGTH = 256;
/** Hop count ceiling on the wire; relays apply their own (lower) hop limit. */
export const MAX_HOPS = 255;
export const MAX_SIGNATURE_BYTES = 256;
/** Signal data (SDP/ICE JSON) and the free-text fields. */
export const MAX_SIGNAL_DATA_LENGTH = 32 * 1024;
export const MAX_REASON_LENGTH = 256;
export const MAX_SECRET_LENGTH = 256;
export const MAX_ERROR_CODE_LENGTH = 64;
/** Stream framing: bytes of the length prefix (unsigned 32-bit big-endian). */
export const LENGTH_PREFIX_BYTES = 4;
/** Chunking for message channels with small limits (WebRTC data channels). */
export const DEFAULT_CHUNK_BYTES = 16 * 1024;
export const DEFAULT_MAX_REASSEMBLIES = 64;
export const DEFAULT_MAX_REASSEMBLY_BYTES = 8 * 1024 * 1024;
export const DEFAULT_REASSEMBLY_TIMEOUT_MS = 30_000;

export interface FrameLimits {
  maxFrameBytes: number;
}

export const DEFAULT_FRAME_LIMITS: FrameLimits = { maxFrameBytes: DEFAULT_MAX_FRAME_BYTES };
