/**
 * Randomness, injected. Protocol code draws every random number from a Random so a seed fixes a whole
 * simulated run. SeededRandom is sfc32 (small, fast, passes PractRand); fork() derives independent
 * streams so adding a draw in one component does not shift every other component's numbers.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform 32-bit unsigned integer. */
  nextU32(): number;
  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  /** Fills a new array of `n` random bytes. */
  bytes(n: number): Uint8Array;
  /** An independent stream, deterministic from this one's state and `label`. */
  fork(label?: string): Random;
}

function hashLabel(label: string): number {
  // FNV-1a, 32 bit: enough to separate fork labels.
  let h = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export class SeededRandom implements Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | string) {
    const s = typeof seed === 'string' ? hashLabel(seed) : seed >>> 0;
    this.a = 0x9e3779b9;
    this.b = 0x243f6a88;
    this.c = 0xb7e15162;
    this.d = s;
    // Warm up so nearby seeds diverge.
    for (let i = 0; i < 15; i++) this.nextU32();
  }

  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  next(): number {
    return this.nextU32() / 4294967296;
  }

  int(maxExclusive: number): number {
    if (!(maxExclusive > 0)) return 0;
    return Math.floor(this.next() * maxExclusive);
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      let v = this.nextU32();
      for (let j = i; j < Math.min(n, i + 4); j++) {
        out[j] = v & 0xff;
        v >>>= 8;
      }
    }
    return out;
  }

  fork(label = ''): Random {
    return new SeededRandom((this.nextU32() ^ hashLabel(label)) >>> 0);
  }
}

/** Fisher–Yates shuffle in place, drawing from `random`. */
export function shuffleInPlace<T>(items: T[], random: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const tmp = items[i] as T;
    items[i] = items[j] as T;
    items[j] = tmp;
  }
  return items;
}

/** Up to `k` distinct items drawn uniformly from `items` (which is not modified). */
export function sample<T>(items: readonly T[], k: number, random: Random): T[] {
  if (k >= items.length) return shuffleInPlace(items.slice(), random);
  const copy = items.slice();
  const out: T[] = [];
  for (let i = 0; i < k; i++) {
    const j = i + random.int(copy.length - i);
    const tmp = copy[i] as T;
    copy[i] = copy[j] as T;
    copy[j] = tmp;
    out.push(copy[i] as T);
  }
  return out;
}

/** A SeededRandom seeded from the platform's cryptographic generator: the default outside tests. */
export function cryptoSeededRandom(): Random {
  const seed = new Uint32Array(1);
  globalThis.crypto.getRandomValues(seed);
  return new SeededRandom(seed[0] ?? 0);
}

/** A random id of `length` characters from [0-9a-z], drawn from `random`. */
export function randomId(random: Random, length = 12): string {
  const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[random.int(alphabet.length)];
  return out;
}
