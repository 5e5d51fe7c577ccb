/**
 * Chunking for message channels with small message limits (WebRTC data channels: ≤ 16 KiB per message).
 *
 * A frame that fits in one message is sent whole. A larger one is cut into chunks, each one message:
 *   0xC1 | transferId u32 | index u16 | count u16 | bytes      (big-endian, CHUNK_HEADER_BYTES = 9)
 * 0xC1 is the one byte msgpack never uses, so a receiver tells chunks from whole frames by the first byte.
 *
 * ChunkReassembler is per connection and bounded: reassemblies in flight, bytes held, and age (time is
 * passed in — the wire layer reads no clock). The oldest reassembly is evicted when a bound is hit.
 */
import { WireError } from './errors.js';
import {
  CHUNK_HEADER_BYTES,
  CHUNK_MARKER,
  DEFAULT_CHUNK_BYTES,
  DEFAULT_MAX_FRAME_BYTES,
  DEFAULT_MAX_REASSEMBLIES,
  DEFAULT_MAX_REASSEMBLY_BYTES,
  DEFAULT_REASSEMBLY_TIMEOUT_MS,
  MAX_CHUNKS_PER_TRANSFER,
} from './limits.js';

const MAX_U16 = 0xffff;

/** True when `message` is a chunk (starts with CHUNK_MARKER), false for a whole frame. */
export function isChunk(message: Uint8Array): boolean {
  return message.length > 0 && message[0] === CHUNK_MARKER;
}

/**
 * Splits `frameBytes` into messages of at most `maxChunkBytes` bytes (header included). A frame that fits
 * is returned whole (the same array, not a copy). Throws WireError('too_large') past 65535 chunks and a
 * RangeError for a `maxChunkBytes` that leaves no room for data or a transferId that is not a u32.
 */
export function chunkFrame(frameBytes: Uint8Array, transferId: number, maxChunkBytes = DEFAULT_CHUNK_BYTES): Uint8Array[] {
  if (frameBytes.length <= maxChunkBytes) return [frameBytes];
  if (!(maxChunkBytes > CHUNK_HEADER_BYTES) || !Number.isInteger(maxChunkBytes)) {
    throw new RangeError(`maxChunkBytes must be an integer > ${CHUNK_HEADER_BYTES}`);
  }
  if (transferId >>> 0 !== transferId) throw new RangeError('transferId must be an unsigned 32-bit integer');
  const perChunk = maxChunkBytes - CHUNK_HEADER_BYTES;
  const count = Math.ceil(frameBytes.length / perChunk);
  if (count > MAX_U16) throw new WireError('too_large', `a frame of ${frameBytes.length} bytes needs ${count} chunks`);
  const chunks: Uint8Array[] = new Array(count);
  for (let index = 0; index < count; index++) {
    const start = index * perChunk;
    const body = frameBytes.subarray(start, Math.min(start + perChunk, frameBytes.length));
    const chunk = new Uint8Array(CHUNK_HEADER_BYTES + body.length);
    chunk[0] = CHUNK_MARKER;
    chunk[1] = transferId >>> 24;
    chunk[2] = (transferId >>> 16) & 0xff;
    chunk[3] = (transferId >>> 8) & 0xff;
    chunk[4] = transferId & 0xff;
    chunk[5] = index >>> 8;
    chunk[6] = index & 0xff;
    chunk[7] = count >>> 8;
    chunk[8] = count & 0xff;
    chunk.set(body, CHUNK_HEADER_BYTES);
    chunks[index] = chunk;
  }
  return chunks;
}

export interface ChunkReassemblerOptions {
  /** Reassemblies in progress at once; the oldest is evicted beyond it. */
  maxInFlight?: number;
  /** Chunk bytes held across all reassemblies; the oldest are evicted beyond it. */
  maxBytes?: number;
  /** A reassembly older than this (since its first chunk) is dropped. */
  timeoutMs?: number;
  /** Largest reassembled frame; a transfer growing past it is a bad_chunk. */
  maxFrameBytes?: number;
}

export interface ChunkReassemblerStats {
  completed: number;
  evicted: number;
  expired: number;
  badChunks: number;
  inFlight: number;
  bytesHeld: number;
}

interface Reassembly {
  startedAt: number;
  count: number;
  received: number;
  bytes: number;
  parts: (Uint8Array | undefined)[];
}

export class ChunkReassembler {
  private readonly maxInFlight: number;
  private readonly maxBytes: number;
  private readonly timeoutMs: number;
  private readonly maxFrameBytes: number;
  /** By transferId, in insertion order = start order, so the first entry is always the oldest. */
  private readonly inFlight = new Map<number, Reassembly>();
  private bytesHeld = 0;
  private completed = 0;
  private evicted = 0;
  private expired = 0;
  private badChunks = 0;

  constructor(options: ChunkReassemblerOptions = {}) {
    this.maxInFlight = options.maxInFlight ?? DEFAULT_MAX_REASSEMBLIES;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_REASSEMBLY_BYTES;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REASSEMBLY_TIMEOUT_MS;
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /**
   * Feeds one received message at time `now` (ms, any monotonic origin). Returns the whole frame when
   * `message` completes one (a message that is not a chunk is a whole frame and is returned as is), null
   * while a transfer is incomplete. Throws WireError('bad_chunk') for a chunk inconsistent with its
   * transfer (the transfer is then dropped); the reassembler stays usable.
   */
  push(message: Uint8Array, now: number): Uint8Array | null {
    if (!isChunk(message)) return message;
    this.expire(now);
    if (message.length <= CHUNK_HEADER_BYTES) this.bad(-1, 'chunk without data');
    const transferId = ((message[1]! << 24) | (message[2]! << 16) | (message[3]! << 8) | message[4]!) >>> 0;
    const index = (message[5]! << 8) | message[6]!;
    const count = (message[7]! << 8) | message[8]!;
    if (count === 0 || count > MAX_CHUNKS_PER_TRANSFER) this.bad(-1, `chunk count ${count}`);
    if (index >= count) this.bad(-1, `chunk index ${index} of ${count}`);
    const body = message.subarray(CHUNK_HEADER_BYTES);

    let r = this.inFlight.get(transferId);
    if (r === undefined) {
      r = { startedAt: now, count, received: 0, bytes: 0, parts: new Array<Uint8Array | undefined>(count) };
      this.inFlight.set(transferId, r);
      while (this.inFlight.size > this.maxInFlight) this.evictOldest();
    } else {
      if (r.count !== count) this.bad(transferId, `chunk count ${count}, transfer has ${r.count}`);
      if (r.parts[index] !== undefined) this.bad(transferId, `duplicate chunk ${index}`);
    }
    if (r.bytes + body.length > this.maxFrameBytes) this.bad(transferId, `transfer exceeds ${this.maxFrameBytes} bytes`);

    r.parts[index] = body;
    r.received++;
    r.bytes += body.length;
    this.bytesHeld += body.length;
    if (r.received === r.count) return this.complete(transferId, r);
    while (this.bytesHeld > this.maxBytes && this.inFlight.size > 0) this.evictOldest();
    return null;
  }

  /** Drops reassemblies older than timeoutMs at `now`; push() calls it too. */
  expire(now: number): void {
    for (const [id, r] of this.inFlight) {
      if (now - r.startedAt <= this.timeoutMs) break; // start order: the rest are younger
      this.drop(id, r);
      this.expired++;
    }
  }

  stats(): ChunkReassemblerStats {
    return {
      completed: this.completed,
      evicted: this.evicted,
      expired: this.expired,
      badChunks: this.badChunks,
      inFlight: this.inFlight.size,
      bytesHeld: this.bytesHeld,
    };
  }

  private complete(transferId: number, r: Reassembly): Uint8Array {
    this.drop(transferId, r);
    this.completed++;
    const frame = new Uint8Array(r.bytes);
    let pos = 0;
    for (const part of r.parts) {
      frame.set(part!, pos);
      pos += part!.length;
    }
    return frame;
  }

  private evictOldest(): void {
    const first = this.inFlight.entries().next();
    if (first.done) return;
    this.drop(first.value[0], first.value[1]);
    this.evicted++;
  }

  private drop(transferId: number, r: Reassembly): void {
    this.inFlight.delete(transferId);
    this.bytesHeld -= r.bytes;
  }

  /** Counts a bad chunk, drops its transfer (if any) and throws. */
  private bad(transferId: number, why: string): never {
    this.badChunks++;
    const r = transferId >= 0 ? this.inFlight.get(transferId) : undefined;
    if (r !== undefined) this.drop(transferId, r);
    throw new WireError('bad_chunk', why);
  }
}
