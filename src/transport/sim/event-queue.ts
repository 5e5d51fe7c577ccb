/**
 * The simulator's agenda: a min-heap ordered by (time, seq). `seq` is a counter assigned when an event
 * is scheduled, so two events due at the same instant run in the order they were scheduled. The
 * simulation schedules deterministically, hence the order is deterministic — never an accident of where
 * the heap happened to put an item.
 *
 * Layout, for speed at a few hundred thousand pending events: a 4-ary heap (half the depth of a binary
 * one) whose keys sit interleaved in one Float64Array — [time0, seq0, time1, seq1, …] — so a node's four
 * children's keys share one or two cache lines, and no key object or comparator closure exists. Items
 * (the simulator's small event records) live in a plain array beside the keys.
 */
const INITIAL_CAPACITY = 1024;
const ARITY = 4;

export class EventQueue<T, A = null> {
  /** keys[2i] = time, keys[2i + 1] = seq of the item in slot i. */
  private keys = new Float64Array(2 * INITIAL_CAPACITY);
  private items: (T | undefined)[] = new Array<T | undefined>(INITIAL_CAPACITY);
  /** A second payload per event, beside the item (the simulator puts a delivery's frame here). */
  private auxes: (A | null)[] = new Array<A | null>(INITIAL_CAPACITY);
  /** The aux payload of the event pop() returned last. */
  lastAux: A | null = null;
  private count = 0;
  private nextSeq = 0;

  get size(): number {
    return this.count;
  }

  /** Events scheduled so far (also the next sequence number). */
  get scheduled(): number {
    return this.nextSeq;
  }

  /** Time of the earliest event, or Infinity when empty. */
  peekTime(): number {
    return this.count > 0 ? (this.keys[0] as number) : Infinity;
  }

  push(time: number, item: T, aux: A | null = null): void {
    this.pushKeyed(time, this.nextSeq++, item, aux);
  }

  /** Sequence number of the earliest event (when not empty). */
  peekSeq(): number {
    return this.keys[1] as number;
  }

  /**
   * Inserts with a sequence number assigned elsewhere (CalendarQueue numbers events when they are
   * scheduled, before they reach this heap). Sequence numbers must be unique.
   */
  pushKeyed(time: number, seq: number, item: T, aux: A | null = null): void {
    if (this.count === this.items.length) this.grow();
    const keys = this.keys;
    const items = this.items;
    const auxes = this.auxes;
    // Sift up: move parents down until the slot for (time, seq) is found.
    let i = this.count++;
    while (i > 0) {
      const p = ((i - 1) / ARITY) | 0;
      const pt = keys[2 * p] as number;
      if (pt < time || (pt === time && (keys[2 * p + 1] as number) < seq)) break;
      keys[2 * i] = pt;
      keys[2 * i + 1] = keys[2 * p + 1] as number;
      items[i] = items[p];
      auxes[i] = auxes[p] as A | null;
      i = p;
    }
    keys[2 * i] = time;
    keys[2 * i + 1] = seq;
    items[i] = item;
    auxes[i] = aux;
  }

  /** Removes and returns the earliest event (undefined when empty); its aux payload is then in lastAux. */
  pop(): T | undefined {
    if (this.count === 0) return undefined;
    const items = this.items;
    const auxes = this.auxes;
    const top = items[0];
    this.lastAux = auxes[0] as A | null;
    const last = --this.count;
    if (last > 0) {
      const keys = this.keys;
      const t = keys[2 * last] as number;
      const s = keys[2 * last + 1] as number;
      const it = items[last];
      const ax = auxes[last] as A | null;
      // Sift the former last element down from the root, always towards the smallest child.
      let i = 0;
      for (;;) {
        const first = ARITY * i + 1;
        if (first >= last) break;
        let c = first;
        let ct = keys[2 * c] as number;
        let cs = keys[2 * c + 1] as number;
        const end = first + ARITY < last ? first + ARITY : last;
        for (let k = first + 1; k < end; k++) {
          const kt = keys[2 * k] as number;
          if (kt < ct || (kt === ct && (keys[2 * k + 1] as number) < cs)) {
            c = k;
            ct = kt;
            cs = keys[2 * k + 1] as number;
          }
        }
        if (t < ct || (t === ct && s < cs)) break;
        keys[2 * i] = ct;
        keys[2 * i + 1] = cs;
        items[i] = items[c];
        auxes[i] = auxes[c] as A | null;
        i = c;
      }
      keys[2 * i] = t;
      keys[2 * i + 1] = s;
      items[i] = it;
      auxes[i] = ax;
    }
    items[last] = undefined;
    auxes[last] = null;
    return top;
  }

  private grow(): void {
    const keys = new Float64Array(this.keys.length * 2);
    keys.set(this.keys);
    this.keys = keys;
    this.items.length = this.items.length * 2;
    this.auxes.length = this.auxes.length * 2;
  }
}
