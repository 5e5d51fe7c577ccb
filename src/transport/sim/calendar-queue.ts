/**
 * The simulator's agenda, ordered by (time, seq) exactly like EventQueue, but shaped for a busy network:
 * most events are due within the next few link latencies, and a heap holding all of them (a few hundred
 * thousand at 10,000 nodes) spends its time on cache misses. So:
 *
 * - a small heap (an EventQueue) holds only the events of the current time slot — cache-resident;
 * - the next WINDOW slots are unsorted buckets (an append per event);
 * - anything further out waits in an overflow heap (long timers: few).
 *
 * When the small heap runs dry, the next non-empty slot is poured into it, together with the overflow
 * events that fall into that slot. Each event keeps the seq it got when scheduled, so ties still break
 * by scheduling order wherever the event waited.
 */
import { EventQueue } from './event-queue.js';

/** Width of one slot (ms of virtual time). */
const SLOT_MS = 1;
/**
 * Slots ahead of the current one kept as buckets (window = SLOT_MS × WINDOW): enough for typical link
 * latencies; later events (long timers, very slow links) take the overflow heap. Every bucket keeps its
 * peak capacity, so the window is also what bounds that memory.
 */
const WINDOW = 128;

/** One slot's events, unsorted. The arrays keep their capacity between uses (no regrowth churn). */
class Bucket<T, A> {
  count = 0;
  readonly times: number[] = [];
  readonly seqs: number[] = [];
  readonly items: (T | null)[] = [];
  readonly auxes: (A | null)[] = [];

  add(time: number, seq: number, item: T, aux: A | null): void {
    const i = this.count++;
    if (i < this.items.length) {
      this.times[i] = time;
      this.seqs[i] = seq;
      this.items[i] = item;
      this.auxes[i] = aux;
    } else {
      this.times.push(time);
      this.seqs.push(seq);
      this.items.push(item);
      this.auxes.push(aux);
    }
  }
}

/** `A` is an optional second payload per event (see EventQueue); pop() leaves it in lastAux. */
export class CalendarQueue<T, A = null> {
  private readonly current = new EventQueue<T, A>();
  private readonly overflow = new EventQueue<T, A>();
  private readonly buckets: Bucket<T, A>[] = Array.from({ length: WINDOW }, () => new Bucket<T, A>());
  /** The aux payload of the event pop() returned last. */
  lastAux: A | null = null;
  /** Slot number (floor(time / SLOT_MS)) the small heap holds. */
  private slot = 0;
  /** Events waiting in buckets. */
  private bucketed = 0;
  private nextSeq = 0;

  get size(): number {
    return this.current.size + this.bucketed + this.overflow.size;
  }

  /** Events scheduled so far. */
  get scheduled(): number {
    return this.nextSeq;
  }

  push(time: number, item: T, aux: A | null = null): void {
    const seq = this.nextSeq++;
    const slot = Math.floor(time / SLOT_MS);
    if (slot <= this.slot) {
      this.current.pushKeyed(time, seq, item, aux);
    } else if (slot < this.slot + WINDOW) {
      (this.buckets[slot % WINDOW] as Bucket<T, A>).add(time, seq, item, aux);
      this.bucketed++;
    } else {
      this.overflow.pushKeyed(time, seq, item, aux);
    }
  }

  /** Time of the earliest event, or Infinity when empty. */
  peekTime(): number {
    if (this.current.size === 0) this.advance();
    return this.current.peekTime();
  }

  pop(): T | undefined {
    if (this.current.size === 0) this.advance();
    const item = this.current.pop();
    this.lastAux = this.current.lastAux;
    return item;
  }

  /** Moves the small heap to the next slot that has events (a no-op when everything is empty). */
  private advance(): void {
    while (this.current.size === 0) {
      if (this.bucketed === 0) {
        // Nothing within the window: jump straight to the overflow's first slot.
        if (this.overflow.size === 0) return;
        this.slot = Math.floor(this.overflow.peekTime() / SLOT_MS) - 1;
      }
      this.slot++;
      const bucket = this.buckets[this.slot % WINDOW] as Bucket<T, A>;
      const n = bucket.count;
      if (n > 0) {
        const { times, seqs, items, auxes } = bucket;
        for (let i = 0; i < n; i++) {
          this.current.pushKeyed(times[i] as number, seqs[i] as number, items[i] as T, auxes[i] as A | null);
          items[i] = null; // let go of delivered frames and finished events
          auxes[i] = null;
        }
        bucket.count = 0;
        this.bucketed -= n;
      }
      const end = (this.slot + 1) * SLOT_MS;
      while (this.overflow.size > 0 && this.overflow.peekTime() < end) {
        const time = this.overflow.peekTime();
        const seq = this.overflow.peekSeq();
        const item = this.overflow.pop() as T;
        this.current.pushKeyed(time, seq, item, this.overflow.lastAux);
      }
    }
  }
}
