/**
 * Message ids: MESSAGE_ID_BYTES = 16 bytes, derived, not random, so they are cheap and unique between
 * honest peers:
 *
 *   bytes 0..7   FNV-1a 64-bit hash of the origin peer id's UTF-8 bytes (big-endian)
 *   bytes 8..11  the origin's session nonce, u32 big-endian (drawn once per session from the caller's
 *                Random, so a restarted origin does not reuse the ids of its previous run)
 *   bytes 12..15 the origin's sequence number, u32 big-endian, 0, 1, 2, … within the session
 *
 * Two honest origins differ in their peer ids (and so, but for a 2^-64 hash collision, in bytes 0..7);
 * one origin's sessions differ in their nonce (but for a 2^-32 chance per pair of sessions); within a
 * session seq never repeats. When seq wraps past 2^32 - 1 the factory moves to nonce + 1 (mod 2^32) and
 * restarts seq at 0, so a very long session never reuses an id either.
 */
import type { MessageId, PeerId } from './frames.js';
import { MESSAGE_ID_BYTES } from './limits.js';

const utf8 = new TextEncoder();
const MASK64 = (1n << 64n) - 1n;

/** FNV-1a, 64 bit, of `bytes`, as 8 big-endian bytes. Run once per factory (BigInt is fine there). */
export function fnv1a64(bytes: Uint8Array): Uint8Array {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) h = ((h ^ BigInt(b)) * 0x100000001b3n) & MASK64;
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, h);
  return out;
}

/** The 8-byte origin prefix of every message id minted by `origin`. */
export function originHash(origin: PeerId): Uint8Array {
  return fnv1a64(utf8.encode(origin));
}

export class MessageIdFactory {
  private readonly prefix: Uint8Array;
  private nonce: number;
  private seq = 0;

  constructor(origin: PeerId, sessionNonce: number) {
    if (sessionNonce >>> 0 !== sessionNonce) throw new RangeError('sessionNonce must be an unsigned 32-bit integer');
    this.prefix = originHash(origin);
    this.nonce = sessionNonce;
  }

  /** The nonce in use (it changes only when seq wraps). */
  get sessionNonce(): number {
    return this.nonce;
  }

  /** A fresh id and the sequence number it carries (the msg frame's `seq`). */
  next(): { id: MessageId; seq: number } {
    const seq = this.seq;
    const id = new Uint8Array(MESSAGE_ID_BYTES);
    id.set(this.prefix);
    const n = this.nonce;
    id[8] = n >>> 24;
    id[9] = (n >>> 16) & 0xff;
    id[10] = (n >>> 8) & 0xff;
    id[11] = n & 0xff;
    id[12] = seq >>> 24;
    id[13] = (seq >>> 16) & 0xff;
    id[14] = (seq >>> 8) & 0xff;
    id[15] = seq & 0xff;
    if (seq === 0xffffffff) {
      this.seq = 0;
      this.nonce = (n + 1) >>> 0;
    } else {
      this.seq = seq + 1;
    }
    return { id, seq };
  }
}

/** The parts of a message id, for logs and checks (e.g. that an id's prefix matches its claimed origin). */
export function parseMessageId(id: MessageId): { originHash: Uint8Array; sessionNonce: number; seq: number } {
  const view = new DataView(id.buffer, id.byteOffset, id.byteLength);
  return { originHash: id.slice(0, 8), sessionNonce: view.getUint32(8), seq: view.getUint32(12) };
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const HEX_VALUE = new Int16Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(i)] = i;
}

/** Char codes of each byte's two lowercase hex digits. */
const HEX_HI = new Uint16Array(256);
const HEX_LO = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  HEX_HI[i] = HEX[i]!.charCodeAt(0);
  HEX_LO[i] = HEX[i]!.charCodeAt(1);
}
/** Scratch for messageIdToKey (single-threaded: filled and consumed within one call). */
const keyCodes: number[] = new Array<number>(2 * MESSAGE_ID_BYTES).fill(0);

/**
 * A message id as a 32-character lowercase hex string: a compact key for Map/Set/IndexedDB, on the
 * per-message hot path. Built by one String.fromCharCode call, so the string is flat: a `+` chain makes a
 * rope that every Map lookup first flattens (a copy and an allocation per lookup; measured at 2× the cost).
 */
export function messageIdToKey(id: MessageId): string {
  if (id.length !== MESSAGE_ID_BYTES) throw new RangeError(`a message id is ${MESSAGE_ID_BYTES} bytes`);
  for (let i = 0; i < MESSAGE_ID_BYTES; i++) {
    const b = id[i]!;
    keyCodes[2 * i] = HEX_HI[b]!;
    keyCodes[2 * i + 1] = HEX_LO[b]!;
  }
  return String.fromCharCode.apply(null, keyCodes);
}

/** The inverse of messageIdToKey; throws RangeError for a string that is not 32 hex digits. */
export function keyToMessageId(key: string): MessageId {
  if (key.length !== 2 * MESSAGE_ID_BYTES) throw new RangeError('a message id key is 32 hex digits');
  const id = new Uint8Array(MESSAGE_ID_BYTES);
  for (let i = 0; i < MESSAGE_ID_BYTES; i++) {
    const hi = HEX_VALUE[key.charCodeAt(2 * i)] ?? -1;
    const lo = HEX_VALUE[key.charCodeAt(2 * i + 1)] ?? -1;
    if (hi < 0 || lo < 0) throw new RangeError('a message id key is 32 hex digits');
    id[i] = (hi << 4) | lo;
  }
  return id;
}
