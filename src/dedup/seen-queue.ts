/**
 * The seen store's insertion-order queue: each entry is an id (four words, see IdTable) or, for a key
 * that is not a message id, that key — with the time it was first seen. A growable ring in typed arrays,
 * so queueing an id allocates nothing. Expiry and eviction pop from the head.
 */
import { IdWords } from '../core/id-table.js';

const MIN_CAPACITY = 64;

export class SeenQueue {
  private capacity = MIN_CAPACITY;
  private words = new Int32Array(MIN_CAPACITY * 4);
  private times = new Float64Array(MIN_CAPACITY);
  /**
   * Ring position → key, for the rare entries that are not message ids (the SeenStore API takes any
   * string); null while there are none. A Map rather than an array beside the ring: an array of a pointer
   * per entry would be a megabyte at 100,000 ids that the GC scans and every push writes.
   */
  private others: Map<number, string> | null = null;
  private head = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }

  /** Time of the oldest entry (the queue must not be empty). */
  headTime(): number {
    return this.times[this.head]!;
  }

  /** Queues an id (`other` undefined: `w` holds it) or a non-id key. */
  push(w: IdWords, other: string | undefined, time: number): void {
    if (this.count === this.capacity) this.grow();
    const i = (this.head + this.count) % this.capacity;
    this.write(i, w, other, time);
    this.count++;
  }

  /** Removes the oldest entry: its id goes into `w`, and a non-id key is returned (undefined for an id). */
  shift(w: IdWords): string | undefined {
    const other = this.read(this.head, w);
    if (other !== undefined) this.others!.delete(this.head);
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return other;
  }

  /** Entry `n` from the head (0 = oldest): its id into `w`, its key if not an id; the time is timeAt(n). */
  at(n: number, w: IdWords): string | undefined {
    return this.read((this.head + n) % this.capacity, w);
  }

  timeAt(n: number): number {
    return this.times[(this.head + n) % this.capacity]!;
  }

  /** Keeps only the entries `keep` says yes to, in order. */
  filter(keep: (n: number) => boolean): void {
    const kept = new SeenQueue();
    const w = new IdWords();
    for (let n = 0; n < this.count; n++) {
      if (!keep(n)) continue;
      const other = this.at(n, w);
      kept.push(w, other, this.timeAt(n));
    }
    Object.assign(this, kept);
  }

  clear(): void {
    Object.assign(this, new SeenQueue());
  }

  private read(i: number, w: IdWords): string | undefined {
    const other = this.others?.get(i);
    if (other !== undefined) return other;
    const o = i * 4;
    w.a = this.words[o]!;
    w.b = this.words[o + 1]!;
    w.c = this.words[o + 2]!;
    w.d = this.words[o + 3]!;
    return undefined;
  }

  private write(i: number, w: IdWords, other: string | undefined, time: number): void {
    this.times[i] = time;
    if (other !== undefined) {
      (this.others ??= new Map()).set(i, other);
      return;
    }
    const o = i * 4;
    this.words[o] = w.a;
    this.words[o + 1] = w.b;
    this.words[o + 2] = w.c;
    this.words[o + 3] = w.d;
  }

  /** Doubles the ring, its entries moved to the front in order (two block copies: before and after the wrap). */
  private grow(): void {
    const { words, times, others, head, capacity } = this;
    const firstRun = capacity - head; // entries from head to the end of the old ring; the rest wrapped to 0
    this.capacity = capacity * 2;
    this.words = new Int32Array(this.capacity * 4);
    this.words.set(words.subarray(head * 4));
    this.words.set(words.subarray(0, head * 4), firstRun * 4);
    this.times = new Float64Array(this.capacity);
    this.times.set(times.subarray(head));
    this.times.set(times.subarray(0, head), firstRun);
    if (others !== null) {
      // Same move as the words: position p goes to p − head, or to p + firstRun if it had wrapped.
      this.others = new Map([...others].map(([p, key]) => [p >= head ? p - head : p + firstRun, key]));
    }
    this.head = 0;
  }
}
