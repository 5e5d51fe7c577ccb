/**
 * IdTable: a hash table from 16-byte message ids to numbers, in typed arrays — the relay's per-message
 * lookups (seen ids, the gossip's message cache) without a string key per message.
 *
 * Why not a Map keyed by the id's hex string: every message then makes a 32-character string that the
 * seen store and the cache keep alive for seconds, so each one is copied out of the young generation and
 * later marked; and each lookup hashes and compares strings. In the tcp bench those Maps and the garbage
 * collection they caused were over a third of the process's time. Here an id is four int32 words stored
 * inline: no allocation per entry, nothing for the collector to trace.
 *
 * Open addressing with linear probing (load ≤ 1/2) and backward-shift deletion (no tombstones, so probe
 * chains stay short under constant insert/delete churn), in one Int32Array (plus values when asked for).
 * The hash is keyed per table (random keys): ids arrive from the network, and an unkeyed hash would let a
 * peer mint ids that all land in one probe chain, making every lookup of every node linear.
 */
import { SeededRandom, cryptoSeededRandom } from './random.js';

/** An id as four big-endian int32 words; a scratch value filled by fromId / fromKey. */
export class IdWords {
  a = 0;
  b = 0;
  c = 0;
  d = 0;

  /** Loads a 16-byte id (the caller has checked its length). */
  fromId(id: Uint8Array): this {
    this.a = (id[0]! << 24) | (id[1]! << 16) | (id[2]! << 8) | id[3]!;
    this.b = (id[4]! << 24) | (id[5]! << 16) | (id[6]! << 8) | id[7]!;
    this.c = (id[8]! << 24) | (id[9]! << 16) | (id[10]! << 8) | id[11]!;
    this.d = (id[12]! << 24) | (id[13]! << 16) | (id[14]! << 8) | id[15]!;
    return this;
  }

  /** Loads a key of 32 lowercase hex digits (messageIdToKey's form); false for any other string. */
  fromKey(key: string): boolean {
    if (key.length !== 32) return false;
    const a = hexWord(key, 0);
    const b = hexWord(key, 8);
    const c = hexWord(key, 16);
    const d = hexWord(key, 24);
    if (a === undefined || b === undefined || c === undefined || d === undefined) return false;
    this.a = a;
    this.b = b;
    this.c = c;
    this.d = d;
    return true;
  }

  /** The id these words hold, as a new 16-byte array. */
  toId(): Uint8Array {
    return idFromWords(this.a, this.b, this.c, this.d);
  }
}

/** A new 16-byte id from its four words (IdWords.fromId's inverse). */
export function idFromWords(a: number, b: number, c: number, d: number): Uint8Array {
  const id = new Uint8Array(16);
  putWord(id, 0, a);
  putWord(id, 4, b);
  putWord(id, 8, c);
  putWord(id, 12, d);
  return id;
}

function putWord(id: Uint8Array, at: number, w: number): void {
  id[at] = w >>> 24;
  id[at + 1] = w >>> 16;
  id[at + 2] = w >>> 8;
  id[at + 3] = w;
}

const HEX_DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) HEX_DIGIT['0123456789abcdef'.charCodeAt(i)] = i;

function hexWord(key: string, at: number): number | undefined {
  let w = 0;
  for (let i = at; i < at + 8; i++) {
    const code = key.charCodeAt(i);
    const digit = code < 128 ? HEX_DIGIT[code]! : -1;
    if (digit < 0) return undefined;
    w = (w << 4) | digit;
  }
  return w;
}


const MIN_CAPACITY = 16;

export interface IdTableOptions {
  /** Whether entries carry a value (get/set); a plain set of ids leaves it off and saves the memory. */
  values?: boolean;
  /** Seeds the hash's keys (tests); default: the platform's generator. */
  seed?: number;
}

/**
 * An empty slot is four zero words, so a probe reads one array (one cache line for a short run): the
 * table is megabytes at 100,000 ids and every lookup is a cache miss or two. The all-zero id itself, a
 * legal value a peer may send, is kept aside (`zero`).
 */
export class IdTable {
  private capacity = MIN_CAPACITY;
  private mask = MIN_CAPACITY - 1;
  /** Four words per slot; all zero = empty. */
  private words = new Int32Array(MIN_CAPACITY * 4);
  private values: Float64Array | null;
  private count = 0;
  private zero = false;
  private zeroValue = 0;
  /** 32 − log2(capacity): home() keeps the top bits of the hash. */
  private shift = 32 - Math.log2(MIN_CAPACITY);
  /** The hash's keys: four odd multipliers and an addend. */
  private readonly keys: Int32Array;

  constructor(options: IdTableOptions = {}) {
    // The keys only spread entries over slots — lookups are exact whatever they are — so by default they
    // come from the platform's generator without touching a simulation's determinism.
    const random = options.seed === undefined ? cryptoSeededRandom() : new SeededRandom(options.seed);
    this.keys = Int32Array.from({ length: 5 }, (_, i) => (i < 4 ? random.nextU32() | 1 : random.nextU32()));
    this.values = options.values === false ? null : new Float64Array(MIN_CAPACITY);
  }

  get size(): number {
    return this.count;
  }

  /** The value stored for `w` (0 in a table without values), or -1 when the id is absent (store values ≥ 0). */
  get(w: IdWords): number {
    if (isZero(w)) return this.zero ? (this.values === null ? 0 : this.zeroValue) : -1;
    const slot = this.find(w.a, w.b, w.c, w.d);
    return slot < 0 ? -1 : (this.values?.[slot] ?? 0);
  }

  has(w: IdWords): boolean {
    return isZero(w) ? this.zero : this.find(w.a, w.b, w.c, w.d) >= 0;
  }

  /** Stores `value` (≥ 0) for `w`; returns true when the id was new, false when its value was replaced. */
  set(w: IdWords, value = 0): boolean {
    if (isZero(w)) {
      const fresh = !this.zero;
      if (fresh) this.count++;
      this.zero = true;
      this.zeroValue = value;
      return fresh;
    }
    const slot = this.find(w.a, w.b, w.c, w.d);
    if (slot >= 0) {
      if (this.values !== null) this.values[slot] = value;
      return false;
    }
    this.insertAt(slot, w, value);
    return true;
  }

  /** Stores `value` for `w` only if the id is absent; returns whether it was added (one probe either way). */
  add(w: IdWords, value = 0): boolean {
    if (isZero(w)) return this.zero ? false : this.set(w, value);
    const slot = this.find(w.a, w.b, w.c, w.d);
    if (slot >= 0) return false;
    this.insertAt(slot, w, value);
    return true;
  }

  /** Inserts an absent id at `~slot` (find's answer), growing first when the load would pass ½. */
  private insertAt(slot: number, w: IdWords, value: number): void {
    if ((this.count + 1) * 2 > this.capacity) {
      this.grow();
      this.place(w.a, w.b, w.c, w.d, value);
    } else {
      this.put(~slot, w.a, w.b, w.c, w.d, value);
    }
    this.count++;
  }

  /**
   * Slots and the longest run of occupied ones (a scan: for tests and diagnostics). Probing is linear, so
   * the longest run bounds a lookup's cost; at load ≤ ½ with a good hash it stays in the tens.
   */
  layout(): { capacity: number; longestRun: number } {
    let longestRun = 0;
    let run = 0;
    // Twice round, so a run that wraps past the end is counted whole.
    for (let n = 0; n < 2 * this.capacity; n++) {
      run = this.isEmpty(n & this.mask) ? 0 : run + 1;
      if (run > longestRun) longestRun = Math.min(run, this.capacity);
    }
    return { capacity: this.capacity, longestRun };
  }

  /** Removes `w`; returns whether it was there. */
  delete(w: IdWords): boolean {
    if (isZero(w)) {
      if (!this.zero) return false;
      this.zero = false;
      this.count--;
      return true;
    }
    const slot = this.find(w.a, w.b, w.c, w.d);
    if (slot < 0) return false;
    this.removeAt(slot);
    this.count--;
    return true;
  }

  clear(): void {
    this.capacity = MIN_CAPACITY;
    this.mask = MIN_CAPACITY - 1;
    this.shift = 32 - Math.log2(MIN_CAPACITY);
    this.words = new Int32Array(MIN_CAPACITY * 4);
    if (this.values !== null) this.values = new Float64Array(MIN_CAPACITY);
    this.count = 0;
    this.zero = false;
  }

  /**
   * Multiply-add-shift (Dietzfelbinger): Σ kᵢ·wordᵢ + k₄ over 32 bits, slot = the top bits. Every word
   * is multiplied by its own random odd key, so without the keys no one can choose ids that share a slot
   * (two ids collide with probability about 2/capacity, whatever they are).
   */
  private home(a: number, b: number, c: number, d: number): number {
    const k = this.keys;
    return ((Math.imul(a, k[0]!) + Math.imul(b, k[1]!) + Math.imul(c, k[2]!) + Math.imul(d, k[3]!) + k[4]!) | 0) >>> this.shift;
  }

  /** The slot holding the (non-zero) id, or ~slot of the empty slot where it would go. */
  private find(a: number, b: number, c: number, d: number): number {
    const words = this.words;
    let i = this.home(a, b, c, d);
    for (;;) {
      const o = i * 4;
      const wa = words[o]!;
      const wb = words[o + 1]!;
      const wc = words[o + 2]!;
      const wd = words[o + 3]!;
      if (wa === a && wb === b && wc === c && wd === d) return i;
      if ((wa | wb | wc | wd) === 0) return ~i;
      i = (i + 1) & this.mask;
    }
  }

  private isEmpty(i: number): boolean {
    const o = i * 4;
    const words = this.words;
    return (words[o]! | words[o + 1]! | words[o + 2]! | words[o + 3]!) === 0;
  }

  private put(slot: number, a: number, b: number, c: number, d: number, value: number): void {
    const o = slot * 4;
    this.words[o] = a;
    this.words[o + 1] = b;
    this.words[o + 2] = c;
    this.words[o + 3] = d;
    if (this.values !== null) this.values[slot] = value;
  }

  /** Inserts an id known to be absent (used while growing). */
  private place(a: number, b: number, c: number, d: number, value: number): void {
    let i = this.home(a, b, c, d);
    while (!this.isEmpty(i)) i = (i + 1) & this.mask;
    this.put(i, a, b, c, d, value);
  }

  /**
   * Backward-shift deletion: empties `slot`, then moves back every later entry of the probe run that
   * would otherwise become unreachable (its home is not cyclically within (hole, its slot]).
   */
  private removeAt(slot: number): void {
    const words = this.words;
    let hole = slot;
    let j = slot;
    for (;;) {
      j = (j + 1) & this.mask;
      if (this.isEmpty(j)) break;
      const o = j * 4;
      const home = this.home(words[o]!, words[o + 1]!, words[o + 2]!, words[o + 3]!);
      const stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
      if (stays) continue;
      this.put(hole, words[o]!, words[o + 1]!, words[o + 2]!, words[o + 3]!, this.values?.[j] ?? 0);
      hole = j;
    }
    this.put(hole, 0, 0, 0, 0, 0);
  }

  private grow(): void {
    const { words, values, capacity } = this;
    this.capacity = capacity * 2;
    this.mask = this.capacity - 1;
    this.shift--;
    this.words = new Int32Array(this.capacity * 4);
    if (values !== null) this.values = new Float64Array(this.capacity);
    for (let i = 0; i < capacity; i++) {
      const o = i * 4;
      if ((words[o]! | words[o + 1]! | words[o + 2]! | words[o + 3]!) === 0) continue;
      this.place(words[o]!, words[o + 1]!, words[o + 2]!, words[o + 3]!, values?.[i] ?? 0);
    }
  }
}

function isZero(w: IdWords): boolean {
  return (w.a | w.b | w.c | w.d) === 0;
}
