/**
 * Stream framing for byte streams (TCP): each frame is preceded by its length as an unsigned 32-bit
 * big-endian integer (LENGTH_PREFIX_BYTES). StreamFramer cuts a stream, split anywhere, back into frames.
 *
 * Memory: a declared length over maxFrameBytes is rejected as soon as the 4 prefix bytes are in, before
 * any of the body is buffered. A partial body is held in a buffer that starts at 4 KiB and grows by doubling
 * up to the declared length, so what is held stays ≤ max(4 KiB, 2 × what was received) (and ≤ maxFrameBytes).
 *
 * Errors: a bad prefix (too_large, or a zero length → malformed) desynchronises the stream for good — there
 * is no way to find the next frame boundary — so the framer is then poisoned: every push() throws the
 * same WireError until reset(), which drops all buffered bytes and expects a frame boundary next.
 * (The caller normally closes the connection instead; frames completed earlier in the same push are
 * dropped with the error.)
 */
import { WireError } from './errors.js';
import { decodeFrame } from './codec.js';
import type { Frame } from './frames.js';
import { DEFAULT_MAX_FRAME_BYTES, LENGTH_PREFIX_BYTES, type FrameLimits } from './limits.js';

/** Smallest body buffer allocated for a frame that arrives in pieces. */
const MIN_BODY_BUFFER = 4096;

/** `frameBytes` behind its 4-byte big-endian length prefix, in one new buffer. */
export function encodeLengthPrefixed(frameBytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(LENGTH_PREFIX_BYTES + frameBytes.length);
  writePrefix(out, 0, frameBytes.length);
  out.set(frameBytes, LENGTH_PREFIX_BYTES);
  return out;
}

/**
 * For writev batching: [prefix₀, frame₀, prefix₁, frame₁, …] without copying the frames (the prefixes
 * share one small allocation).
 */
export function lengthPrefixedParts(frames: readonly Uint8Array[]): Uint8Array[] {
  const prefixes = new Uint8Array(LENGTH_PREFIX_BYTES * frames.length);
  const parts: Uint8Array[] = new Array(frames.length * 2);
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i]!;
    const at = i * LENGTH_PREFIX_BYTES;
    writePrefix(prefixes, at, frame.length);
    parts[2 * i] = prefixes.subarray(at, at + LENGTH_PREFIX_BYTES);
    parts[2 * i + 1] = frame;
  }
  return parts;
}

/**
 * Several frames, each length-prefixed, concatenated into one buffer. `alloc` makes that buffer (Node's
 * Buffer.allocUnsafe skips the zero fill of bytes about to be overwritten anyway).
 */
export function encodeLengthPrefixedBatch(
  frames: readonly Uint8Array[],
  alloc: (bytes: number) => Uint8Array = (bytes) => new Uint8Array(bytes),
): Uint8Array {
  let total = 0;
  for (const f of frames) total += LENGTH_PREFIX_BYTES + f.length;
  const out = alloc(total);
  let pos = 0;
  for (const f of frames) {
    writePrefix(out, pos, f.length);
    out.set(f, pos + LENGTH_PREFIX_BYTES);
    pos += LENGTH_PREFIX_BYTES + f.length;
  }
  return out;
}

function writePrefix(out: Uint8Array, at: number, length: number): void {
  if (length >>> 0 !== length) throw new WireError('too_large', `frame of ${length} bytes cannot be length-prefixed`);
  out[at] = length >>> 24;
  out[at + 1] = (length >>> 16) & 0xff;
  out[at + 2] = (length >>> 8) & 0xff;
  out[at + 3] = length & 0xff;
}

export class StreamFramer {
  private readonly maxFrameBytes: number;
  /** Prefix bytes seen so far of the next frame (0..3 between pushes). */
  private readonly prefix = new Uint8Array(LENGTH_PREFIX_BYTES);
  private prefixFilled = 0;
  /** Declared length of the frame being received, -1 while reading a prefix. */
  private expected = -1;
  private body: Uint8Array | null = null;
  private bodyFilled = 0;
  private poisoned: WireError | null = null;

  constructor(limits?: Partial<FrameLimits>) {
    this.maxFrameBytes = limits?.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /** Bytes held for incomplete frames (prefix and body). */
  get bufferedBytes(): number {
    return this.prefixFilled + this.bodyFilled;
  }

  /** Whether a frame has started (some prefix bytes, or a whole prefix and maybe no body yet). */
  get midFrame(): boolean {
    return this.prefixFilled > 0 || this.expected >= 0;
  }

  /**
   * Feeds bytes; returns the frames completed by them, in order. A returned frame may be a view into
   * `chunk` (no copy when it lies wholly inside it), so the caller must not reuse `chunk`'s memory.
   * Throws WireError('too_large' | 'malformed') on a bad length prefix, and then on every call until reset().
   */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.poisoned) throw this.poisoned;
    const frames: Uint8Array[] = [];
    const n = chunk.length;
    let pos = 0;
    while (pos < n) {
      if (this.expected < 0) {
        if (this.prefixFilled === 0 && n - pos >= LENGTH_PREFIX_BYTES) {
          // Fast path: the whole prefix is in this chunk.
          this.expected = this.checkLength(
            ((chunk[pos]! << 24) | (chunk[pos + 1]! << 16) | (chunk[pos + 2]! << 8) | chunk[pos + 3]!) >>> 0,
          );
          pos += LENGTH_PREFIX_BYTES;
        } else {
          this.prefix[this.prefixFilled++] = chunk[pos++]!;
          if (this.prefixFilled < LENGTH_PREFIX_BYTES) continue;
          const p = this.prefix;
          this.prefixFilled = 0;
          this.expected = this.checkLength(((p[0]! << 24) | (p[1]! << 16) | (p[2]! << 8) | p[3]!) >>> 0);
        }
      }
      if (pos === n) break; // the prefix ended this chunk
      const want = this.expected;
      if (this.body === null && n - pos >= want) {
        // Zero-copy: the whole body is in this chunk.
        frames.push(chunk.subarray(pos, pos + want));
        pos += want;
        this.expected = -1;
        continue;
      }
      const take = Math.min(want - this.bodyFilled, n - pos);
      this.ensureBody(this.bodyFilled + take);
      this.body!.set(chunk.subarray(pos, pos + take), this.bodyFilled);
      this.bodyFilled += take;
      pos += take;
      if (this.bodyFilled === want) {
        frames.push(this.body!); // grown to exactly `want` bytes: hand it over
        this.body = null;
        this.bodyFilled = 0;
        this.expected = -1;
      }
    }
    return frames;
  }

  /** Drops all buffered bytes and any poison; the next byte pushed starts a length prefix. */
  reset(): void {
    this.prefixFilled = 0;
    this.expected = -1;
    this.body = null;
    this.bodyFilled = 0;
    this.poisoned = null;
  }

  private checkLength(length: number): number {
    if (length === 0) this.poison(new WireError('malformed', 'zero-length frame'));
    if (length > this.maxFrameBytes) {
      this.poison(new WireError('too_large', `declared frame length ${length} exceeds ${this.maxFrameBytes}`));
    }
    return length;
  }

  private poison(err: WireError): never {
    this.prefixFilled = 0;
    this.expected = -1;
    this.body = null;
    this.bodyFilled = 0;
    this.poisoned = err;
    throw err;
  }

  /** Grows the body buffer by doubling, never past the declared length, so a complete body fits exactly. */
  private ensureBody(needed: number): void {
    const cap = this.body?.length ?? 0;
    if (needed <= cap) return;
    const size = Math.min(this.expected, Math.max(needed, cap * 2, MIN_BODY_BUFFER));
    const grown = new Uint8Array(size);
    if (this.body !== null) grown.set(this.body.subarray(0, this.bodyFilled));
    this.body = grown;
  }
}

export interface FrameStreamDecoderOptions extends Partial<FrameLimits> {
  /**
   * Called for a frame that is framed correctly but does not decode (bad_field, unknown_kind, …). Such an
   * error does not desynchronise the stream: the frame is skipped and decoding goes on. Default: the
   * frame is skipped and only counted in stats().
   */
  onFrameError?: (err: WireError, frameBytes: Uint8Array) => void;
}

export interface FrameStreamStats {
  frames: number;
  /** Frames skipped, by WireError code. */
  frameErrors: Record<string, number>;
}

/** StreamFramer + decodeFrame: bytes in, Frames out. */
export class FrameStreamDecoder {
  private readonly framer: StreamFramer;
  private readonly limits: Partial<FrameLimits>;
  private readonly onFrameError: ((err: WireError, frameBytes: Uint8Array) => void) | undefined;
  private frames = 0;
  private readonly frameErrors: Record<string, number> = Object.create(null) as Record<string, number>;

  constructor(options: FrameStreamDecoderOptions = {}) {
    this.limits = { maxFrameBytes: options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES };
    this.framer = new StreamFramer(this.limits);
    this.onFrameError = options.onFrameError;
  }

  get bufferedBytes(): number {
    return this.framer.bufferedBytes;
  }

  /** Feeds bytes; returns the frames they complete. Throws only stream-level WireErrors (see StreamFramer). */
  push(chunk: Uint8Array): Frame[] {
    const out: Frame[] = [];
    for (const bytes of this.framer.push(chunk)) {
      try {
        out.push(decodeFrame(bytes, this.limits));
        this.frames++;
      } catch (err) {
        if (!(err instanceof WireError)) throw err;
        this.frameErrors[err.code] = (this.frameErrors[err.code] ?? 0) + 1;
        this.onFrameError?.(err, bytes);
      }
    }
    return out;
  }

  reset(): void {
    this.framer.reset();
  }

  stats(): FrameStreamStats {
    return { frames: this.frames, frameErrors: { ...this.frameErrors } };
  }
}
