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

// ---- appended by the codec (decoder bounds beyond the per-field ones) ---------------------------

/**
 * Extra trailing fields a decoder skips after a kind's known fields (forward compatibility: a newer
 * minor may append optional fields). More than this many → malformed.
 */
export const MAX_EXTRA_FIELDS = 16;
/** Deepest msgpack nesting accepted (our frames need 4: envelope → records → record → addrs). */
export const MAX_NESTING_DEPTH = 8;
/** Longest msgpack array accepted anywhere in a frame (the largest list field). */
export const MAX_ARRAY_LENGTH = Math.max(MAX_IDS_PER_FRAME, MAX_ROOM_PEERS_PER_FRAME, 2 + 10 + MAX_EXTRA_FIELDS);
/** Longest msgpack str in bytes: the longest string field, at up to 4 UTF-8 bytes per character. */
export const MAX_STR_BYTES = 4 * MAX_SIGNAL_DATA_LENGTH;
/** Chunk header: marker byte 0xC1, transferId u32, index u16, count u16 (big-endian). */
export const CHUNK_MARKER = 0xc1;
export const CHUNK_HEADER_BYTES = 9;
/**
 * Most chunks one transfer may declare. Bounds the per-reassembly index table a single hostile chunk
 * can make a receiver allocate (1 MiB frames in 16 KiB chunks need 65).
 */
export const MAX_CHUNKS_PER_TRANSFER = 4096;
