/**
 * A minimal msgpack reader and writer for the protocol's subset (nil, bool, int, float, str, bin, array),
 * used by codec.ts on the hot path instead of @msgpack/msgpack's generic Encoder/Decoder: the codec knows
 * each frame's shape, so it reads and writes fields in place — no intermediate arrays, no DataView per
 * call, no copy of an encoded frame (see writeResult). The bytes are standard msgpack,
 * identical to @msgpack/msgpack's (a test checks this), shortest forms throughout.
 *
 * The Reader trusts structure: it runs only on bytes that passed checkStructure (structure.ts), so every
 * length it meets lies within the input and only the subset's types occur. A value of the wrong type for
 * its field is a bad_field.
 */
import { badField } from './fields.js';

// ---- reader -----------------------------------------------------------------------------------------

const textDecoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** The cursor over one frame. Module-level state: decoding is synchronous and never reentrant. */
let bytes: Uint8Array = new Uint8Array(0);
let pos = 0;

export function readFrom(input: Uint8Array): void {
  bytes = input;
  pos = 0;
}

export function readerDone(): void {
  bytes = EMPTY; // do not pin the last input
}
const EMPTY = new Uint8Array(0);

function u16At(at: number): number {
  return (bytes[at]! << 8) | bytes[at + 1]!;
}
function u32At(at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

/** An array header's element count. */
export function readArray(field: string): number {
  const b = bytes[pos]!;
  if (b >= 0x90 && b <= 0x9f) {
    pos += 1;
    return b & 0x0f;
  }
  if (b === 0xdc) {
    pos += 3;
    return u16At(pos - 2);
  }
  if (b === 0xdd) {
    pos += 5;
    return u32At(pos - 4);
  }
  return badField(field, 'expected an array');
}

/** Any msgpack number (int or float) as a JS number; integers beyond 2^53 lose precision. */
export function readNumber(field: string): number {
  const b = bytes[pos]!;
  if (b <= 0x7f) {
    pos += 1;
    return b;
  }
  if (b >= 0xe0) {
    pos += 1;
    return b - 0x100;
  }
  const at = pos + 1;
  switch (b) {
    case 0xcc: pos += 2; return bytes[at]!;
    case 0xcd: pos += 3; return u16At(at);
    case 0xce: pos += 5; return u32At(at);
    case 0xcf: pos += 9; return u32At(at) * 0x100000000 + u32At(at + 4);
    case 0xd0: pos += 2; return (bytes[at]! << 24) >> 24;
    case 0xd1: pos += 3; return (u16At(at) << 16) >> 16;
    case 0xd2: pos += 5; return u32At(at) | 0;
    case 0xd3: pos += 9; return (u32At(at) | 0) * 0x100000000 + u32At(at + 4);
    case 0xca: pos += 5; return floatAt(at, 4);
    case 0xcb: pos += 9; return floatAt(at, 8);
    default: return badField(field, 'expected a number');
  }
}

const floatView = new DataView(new ArrayBuffer(8));
function floatAt(at: number, size: 4 | 8): number {
  for (let i = 0; i < size; i++) floatView.setUint8(i, bytes[at + i]!);
  return size === 4 ? floatView.getFloat32(0) : floatView.getFloat64(0);
}

export function readBool(field: string): boolean {
  const b = bytes[pos]!;
  if (b !== 0xc2 && b !== 0xc3) badField(field, 'expected a boolean');
  pos += 1;
  return b === 0xc3;
}

/** True (and consumes it) when the next value is nil. */
export function readNil(): boolean {
  if (bytes[pos] !== 0xc0) return false;
  pos += 1;
  return true;
}

export function readString(field: string): string {
  const b = bytes[pos]!;
  let length: number;
  if (b >= 0xa0 && b <= 0xbf) {
    length = b & 0x1f;
    pos += 1;
  } else if (b === 0xd9) {
    length = bytes[pos + 1]!;
    pos += 2;
  } else if (b === 0xda) {
    length = u16At(pos + 1);
    pos += 3;
  } else if (b === 0xdb) {
    length = u32At(pos + 1);
    pos += 5;
  } else {
    return badField(field, 'expected a string');
  }
  const start = pos;
  pos += length;
  return length <= SHORT_STRING_BYTES ? shortString(start, pos) : textDecoder.decode(bytes.subarray(start, pos));
}

/**
 * Short strings are mostly peer ids, the same few over and over (every msg names its origin), and the
 * relay keeps them with each cached message. A small direct-mapped table of the strings decoded lately
 * returns the same string object for the same ASCII bytes: one flat string per peer instead of a new one
 * per frame (a `+=` loop built ropes of up to 32 pieces). Bounded: STRING_CACHE_SLOTS strings of ≤ 32 bytes.
 */
const SHORT_STRING_BYTES = 32;
const STRING_CACHE_SLOTS = 256;
const stringCache: string[] = new Array<string>(STRING_CACHE_SLOTS).fill('');

function shortString(start: number, end: number): string {
  let h = end - start;
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c >= 0x80) return textDecoder.decode(bytes.subarray(start, end));
    h = Math.imul(h ^ c, 0x01000193);
  }
  const slot = (h ^ (h >>> 16)) & (STRING_CACHE_SLOTS - 1);
  const cached = stringCache[slot]!;
  if (cached.length === end - start) {
    let same = true;
    for (let i = start; i < end && same; i++) same = cached.charCodeAt(i - start) === bytes[i];
    if (same) return cached;
  }
  const s = String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  stringCache[slot] = s;
  return s;
}

/** Consumes a bin header and returns the data length; the data starts at `pos`. */
function binHeader(field: string): number {
  const b = bytes[pos]!;
  if (b === 0xc4) {
    pos += 2;
    return bytes[pos - 1]!;
  }
  if (b === 0xc5) {
    pos += 3;
    return u16At(pos - 2);
  }
  if (b === 0xc6) {
    pos += 5;
    return u32At(pos - 4);
  }
  return badField(field, 'expected bytes');
}

/** A bin value as a view into the input (no copy). */
export function readBin(field: string): Uint8Array {
  const length = binHeader(field);
  pos += length;
  return bytes.subarray(pos - length, pos);
}

/** A bin value of exactly `size` bytes, copied into its own small buffer. */
export function readBinCopy(size: number, field: string): Uint8Array {
  const length = binHeader(field);
  if (length !== size) badField(field, `expected ${size} bytes`);
  const copy = new Uint8Array(size);
  for (let i = 0; i < size; i++) copy[i] = bytes[pos + i]!;
  pos += size;
  return copy;
}

/** A number that is a u32 integer, or -1 for any other value (consumed either way). */
export function readEnvelopeUint(): number {
  const b = bytes[pos]!;
  if (!(b <= 0x7f || b >= 0xe0 || (b >= 0xca && b <= 0xd3))) {
    skipValue();
    return -1;
  }
  const v = readNumber('');
  return v >>> 0 === v ? v : -1;
}

/** Skips one value of any type (trailing fields we do not know). Nesting is bounded by checkStructure. */
export function skipValue(): void {
  const b = bytes[pos]!;
  if (b <= 0x7f || b >= 0xe0 || b === 0xc0 || b === 0xc2 || b === 0xc3) {
    pos += 1;
  } else if ((b >= 0xa0 && b <= 0xbf) || b === 0xd9 || b === 0xda || b === 0xdb) {
    readString('');
  } else if (b === 0xc4 || b === 0xc5 || b === 0xc6) {
    readBin('');
  } else if ((b >= 0x90 && b <= 0x9f) || b === 0xdc || b === 0xdd) {
    for (let n = readArray(''); n > 0; n--) skipValue();
  } else {
    readNumber('');
  }
}

// ---- writer -----------------------------------------------------------------------------------------

const textEncoder = new TextEncoder();
/**
 * Frames are written one after another into a shared slab and handed out as views of it (the way Node's
 * Buffer pool serves small buffers): no copy and no allocation per frame, one slab per SLAB_BYTES of
 * output. A slab lives as long as any frame in it; frames are short-lived (queued for a socket, then gone).
 * Copying each frame out of a scratch buffer cost a new ArrayBuffer per frame (~7 % of the tcp bench).
 */
export const SLAB_BYTES = 64 * 1024;
/** Room left after the part of a big frame known so far, for the fields still to come. */
const BIG_FRAME_SLACK = 1024;
/** Below this much room left, the next frame starts a new slab. */
const SLAB_MIN_FREE = 256;
let out = new Uint8Array(SLAB_BYTES);
/** Where the frame being written starts in `out`. */
let start = 0;
let at = 0;

/** Starts a frame (dropping whatever an encode that threw left half-written). */
export function writeStart(): void {
  // Someone transferred a view's buffer (postMessage): the slab is detached, start a new one.
  if (out.byteLength === 0) {
    out = new Uint8Array(SLAB_BYTES);
    start = 0;
  }
  at = start;
}

/** The frame written since writeStart(): a view of exactly its bytes, which no later frame overwrites. */
export function writeResult(): Uint8Array {
  const result = out.subarray(start, at);
  start = at;
  // A slab grown for a rare big frame is not kept for the small ones after it.
  if (out.length > SLAB_BYTES || out.length - at < SLAB_MIN_FREE) {
    out = new Uint8Array(SLAB_BYTES);
    start = at = 0;
  }
  return result;
}

/** Makes room for `n` more bytes: the frame so far moves to a fresh slab (the old one keeps earlier frames). */
function ensure(n: number): void {
  if (at + n <= out.length) return;
  const written = at - start;
  // A frame bigger than a slab gets a buffer of about its own size (its view keeps that buffer alive).
  const grown = new Uint8Array(Math.max(SLAB_BYTES, written + n + BIG_FRAME_SLACK));
  grown.set(out.subarray(start, at));
  out = grown;
  start = 0;
  at = written;
}

function put32(v: number): void {
  out[at] = v >>> 24;
  out[at + 1] = (v >>> 16) & 0xff;
  out[at + 2] = (v >>> 8) & 0xff;
  out[at + 3] = v & 0xff;
  at += 4;
}

export function writeArray(n: number): void {
  ensure(5);
  if (n < 16) {
    out[at++] = 0x90 | n;
  } else if (n < 0x10000) {
    out[at++] = 0xdc;
    out[at++] = n >>> 8;
    out[at++] = n & 0xff;
  } else {
    out[at++] = 0xdd;
    put32(n);
  }
}

/** A number in its shortest msgpack form (integers as int, everything else as float 64). */
export function writeNumber(v: number): void {
  ensure(9);
  if (!Number.isSafeInteger(v)) {
    out[at++] = 0xcb;
    floatView.setFloat64(0, v);
    for (let i = 0; i < 8; i++) out[at++] = floatView.getUint8(i);
  } else if (v >= 0) {
    if (v < 0x80) {
      out[at++] = v;
    } else if (v < 0x100) {
      out[at++] = 0xcc;
      out[at++] = v;
    } else if (v < 0x10000) {
      out[at++] = 0xcd;
      out[at++] = v >>> 8;
      out[at++] = v & 0xff;
    } else if (v < 0x100000000) {
      out[at++] = 0xce;
      put32(v);
    } else {
      out[at++] = 0xcf;
      put32(Math.floor(v / 0x100000000));
      put32(v >>> 0);
    }
  } else if (v >= -0x20) {
    out[at++] = v & 0xff;
  } else if (v >= -0x80) {
    out[at++] = 0xd0;
    out[at++] = v & 0xff;
  } else if (v >= -0x8000) {
    out[at++] = 0xd1;
    out[at++] = (v >> 8) & 0xff;
    out[at++] = v & 0xff;
  } else if (v >= -0x80000000) {
    out[at++] = 0xd2;
    put32(v >>> 0);
  } else {
    out[at++] = 0xd3;
    put32(Math.floor(v / 0x100000000) >>> 0);
    put32(v >>> 0);
  }
}

export function writeBool(v: boolean): void {
  ensure(1);
  out[at++] = v ? 0xc3 : 0xc2;
}

function strHeaderSize(length: number): number {
  return length < 32 ? 1 : length < 0x100 ? 2 : length < 0x10000 ? 3 : 5;
}

function writeStrHeader(length: number): void {
  if (length < 32) {
    out[at++] = 0xa0 | length;
  } else if (length < 0x100) {
    out[at++] = 0xd9;
    out[at++] = length;
  } else if (length < 0x10000) {
    out[at++] = 0xda;
    out[at++] = length >>> 8;
    out[at++] = length & 0xff;
  } else {
    out[at++] = 0xdb;
    put32(length);
  }
}

export function writeString(s: string): void {
  const n = s.length;
  ensure(5 + 3 * n);
  // ASCII fast path: UTF-8 length = n.
  const start = at + strHeaderSize(n);
  let i = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) break;
    out[start + i] = c;
  }
  if (i === n) {
    writeStrHeader(n);
    at += n;
    return;
  }
  // General case: encode after a maximal header, then close the gap to the real header size.
  const { written } = textEncoder.encodeInto(s, out.subarray(at + 5));
  const header = strHeaderSize(written);
  if (header < 5) out.copyWithin(at + header, at + 5, at + 5 + written);
  writeStrHeader(written);
  at += written;
}

export function writeBin(b: Uint8Array): void {
  const n = b.length;
  ensure(5 + n);
  if (n < 0x100) {
    out[at++] = 0xc4;
    out[at++] = n;
  } else if (n < 0x10000) {
    out[at++] = 0xc5;
    out[at++] = n >>> 8;
    out[at++] = n & 0xff;
  } else {
    out[at++] = 0xc6;
    put32(n);
  }
  if (n <= 32) {
    for (let i = 0; i < n; i++) out[at + i] = b[i]!;
  } else {
    out.set(b, at);
  }
  at += n;
}
