/**
 * The run's trace: every delivered frame, connect/close, timer firing and fault, in order. Each entry is
 * folded into a 64-bit digest (two independent 32-bit lanes: FNV-1a and a murmur-style multiply-xorshift)
 * as it happens, so the hash covers the whole run while only the last `keep` entries stay in memory — in
 * a ring of parallel typed arrays, so recording an entry allocates nothing.
 */
import type { PeerId } from '../../wire/frames.js';
import type { TraceEntry, TraceEntryType } from './types.js';

const TYPES: readonly TraceEntryType[] = ['deliver', 'timer', 'fault', 'connect', 'close'];
export const TRACE_DELIVER = 0;
export const TRACE_TIMER = 1;
export const TRACE_FAULT = 2;
export const TRACE_CONNECT = 3;
export const TRACE_CLOSE = 4;

/** Bytes of a delivered frame folded into the hash (the length is always folded in). */
const HASHED_FRAME_PREFIX = 16;

export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class TraceRecorder {
  private lane1 = 0x811c9dc5;
  private lane2 = 0x2545f491;
  private total = 0;
  private readonly at: Float64Array;
  private readonly type: Uint8Array;
  private readonly from: Int32Array;
  private readonly to: Int32Array;
  private readonly bytes: Int32Array;
  private readonly detail: (string | undefined)[];

  /** `names` maps the node indices recorded here back to peer ids. */
  constructor(
    keep: number,
    private readonly names: readonly PeerId[],
  ) {
    const cap = Math.max(0, keep);
    this.at = new Float64Array(cap);
    this.type = new Uint8Array(cap);
    this.from = new Int32Array(cap);
    this.to = new Int32Array(cap);
    this.bytes = new Int32Array(cap);
    this.detail = new Array<string | undefined>(cap);
  }

  /** Entries recorded over the whole run. */
  get length(): number {
    return this.total;
  }

  private mix(v: number): void {
    this.lane1 = Math.imul(this.lane1 ^ v, 0x01000193);
    let h = Math.imul(this.lane2 ^ v, 0x5bd1e995);
    h ^= h >>> 15;
    this.lane2 = h;
  }

  /**
   * Records one entry. `from`/`to` are node indices (-1: none); `frame` (deliveries) contributes its
   * length and first bytes to the hash; `detail` is hashed and kept.
   */
  record(at: number, type: number, from: number, to: number, bytes: number, frame?: Uint8Array, detail?: string): void {
    // Virtual time in microseconds, as two 32-bit halves, so sub-millisecond jitter reaches the hash.
    const us = Math.round(at * 1000);
    this.mix(type);
    this.mix(us >>> 0);
    this.mix((us / 4294967296) >>> 0);
    this.mix(from);
    this.mix(to);
    this.mix(bytes);
    if (frame !== undefined) {
      // The prefix, four bytes to a word.
      const n = frame.length < HASHED_FRAME_PREFIX ? frame.length : HASHED_FRAME_PREFIX;
      let word = 0;
      for (let i = 0; i < n; i++) {
        word = (word << 8) | (frame[i] as number);
        if ((i & 3) === 3) {
          this.mix(word);
          word = 0;
        }
      }
      if ((n & 3) !== 0) this.mix(word);
    }
    if (detail !== undefined) this.mix(hashString(detail));
    const cap = this.at.length;
    if (cap > 0) {
      const slot = this.total % cap;
      this.at[slot] = at;
      this.type[slot] = type;
      this.from[slot] = from;
      this.to[slot] = to;
      this.bytes[slot] = bytes;
      this.detail[slot] = detail;
    }
    this.total++;
  }

  /** 16 hex digits digesting every entry recorded so far. */
  hash(): string {
    return (this.lane1 >>> 0).toString(16).padStart(8, '0') + (this.lane2 >>> 0).toString(16).padStart(8, '0');
  }

  /** The last `keep` entries, oldest first. */
  entries(): TraceEntry[] {
    const cap = this.at.length;
    const n = Math.min(this.total, cap);
    const out: TraceEntry[] = [];
    for (let k = this.total - n; k < this.total; k++) {
      const slot = k % cap;
      const entry: TraceEntry = { at: this.at[slot] as number, type: TYPES[this.type[slot] as number] as TraceEntryType };
      const from = this.from[slot] as number;
      const to = this.to[slot] as number;
      if (from >= 0) entry.from = this.names[from];
      if (to >= 0) entry.to = this.names[to];
      if (entry.type === 'deliver') entry.bytes = this.bytes[slot] as number;
      const detail = this.detail[slot];
      if (detail !== undefined) entry.detail = detail;
      out.push(entry);
    }
    return out;
  }
}
