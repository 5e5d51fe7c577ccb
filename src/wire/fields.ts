/**
 * Field validators shared by the encoder and the decoder: each checks one wire field's type and bounds
 * and throws WireError('bad_field') naming the field. Kept tiny and monomorphic: they run for every field
 * of every frame on every hop.
 */
import { WireError } from './errors.js';
import type { PeerId } from './frames.js';
import { MAX_HOPS, MAX_PEER_ID_LENGTH, MAX_ROOM_LENGTH, MESSAGE_ID_BYTES } from './limits.js';

export function badField(field: string, why: string): never {
  throw new WireError('bad_field', `${field}: ${why}`);
}

/** Unsigned 32-bit integer. */
export function u32(v: unknown, field: string): number {
  if (typeof v !== 'number' || v >>> 0 !== v) badField(field, 'expected an unsigned 32-bit integer');
  return v;
}

/** Integer in [0, max] with max ≤ 2^32 - 1. */
export function uintMax(v: unknown, max: number, field: string): number {
  if (typeof v !== 'number' || v >>> 0 !== v || v > max) badField(field, `expected an integer in [0, ${max}]`);
  return v;
}

/** Any finite number (integer or float); -0 is read as 0 (it is sent as the integer 0). */
export function finite(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) badField(field, 'expected a finite number');
  return v === 0 ? 0 : v;
}

export function bool(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') badField(field, 'expected a boolean');
  return v;
}

/**
 * Unicode code points in `s`, counted only when the UTF-16 length cannot decide the bound:
 * code points ≤ UTF-16 units ≤ 2 × code points.
 */
function withinChars(s: string, min: number, max: number): boolean {
  const n = s.length;
  if (n < min) return false; // fewer units than min ⇒ fewer code points than min
  if (n <= max && (min === 0 || n >= 2 * min)) return true;
  if (n > 2 * max) return false;
  let points = 0;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    // A low surrogate that follows a high surrogate completes a pair counted already.
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const prev = s.charCodeAt(i - 1);
      if (prev >= 0xd800 && prev <= 0xdbff) continue;
    }
    points++;
  }
  return points >= min && points <= max;
}

/** A string of min..max Unicode code points. */
export function str(v: unknown, min: number, max: number, field: string): string {
  if (typeof v !== 'string' || !withinChars(v, min, max)) {
    badField(field, `expected a string of ${min}..${max} characters`);
  }
  return v;
}

/** A list of at most `max` elements (the elements are checked by the caller). */
export function list(v: unknown, max: number, field: string): unknown[] {
  if (!Array.isArray(v) || v.length > max) badField(field, `expected an array of at most ${max} elements`);
  return v;
}

/** Bytes of at most `max` length, returned as given (no copy). */
export function bytesView(v: unknown, max: number, field: string): Uint8Array {
  if (!(v instanceof Uint8Array) || v.length > max) badField(field, `expected at most ${max} bytes`);
  return v;
}

/** Checks a message id (on encode; the decoder reads ids with msgpack.ts's readBinCopy). */
export function messageIdOut(v: unknown, field: string): Uint8Array {
  if (!(v instanceof Uint8Array) || v.length !== MESSAGE_ID_BYTES) badField(field, `expected ${MESSAGE_ID_BYTES} bytes`);
  return v;
}

/** Enum value on the wire (its index in `table`) → its name. */
export function enumIn<T extends string>(table: readonly T[], v: unknown, field: string): T {
  const name = typeof v === 'number' ? table[v] : undefined;
  if (name === undefined) badField(field, `expected an index into [${table.join(', ')}]`);
  return name;
}

/** Enum name → its wire index. */
export type EnumIndex = ReadonlyMap<string, number>;
export function enumIndex(table: readonly string[]): EnumIndex {
  return new Map(table.map((name, i) => [name, i]));
}
export function enumOut(index: EnumIndex, v: unknown, field: string): number {
  const i = typeof v === 'string' ? index.get(v) : undefined;
  if (i === undefined) badField(field, `unknown value ${String(v)}`);
  return i;
}

// ---- field shapes shared by several kinds ------------------------------------------------------------

export const peerId = (v: unknown, field: string): PeerId => str(v, 1, MAX_PEER_ID_LENGTH, field);
/** A peer id that may be empty (an unset origin or a `from` the server has not stamped yet). */
export const optPeerId = (v: unknown, field: string): PeerId => str(v, 0, MAX_PEER_ID_LENGTH, field);
export const room = (v: unknown): string => str(v, 1, MAX_ROOM_LENGTH, 'room');
/** Peer-exchange `ttl` is a hop budget, bounded like hop counts. */
export const MAX_TTL = MAX_HOPS;
/** Positional fields of a peer record. */
export const RECORD_FIELDS = 4;
