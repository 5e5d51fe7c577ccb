/**
 * The join timeout of every connection of a server, with one timer: a connection in no room (just
 * connected, or left its last room) must join one within `timeoutMs` or it is expired (closed). Waiting
 * connections are kept in the order they started waiting (a Map iterates in insertion order, the clock
 * is monotonic), so the first is always the next to expire and one timer armed for it serves them all —
 * instead of a Timeout object per connection, which a server with thousands of them pays for in memory.
 */
export class JoinDeadlines<T> {
  /** member → when it started waiting; oldest first. */
  private readonly since = new Map<T, number>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly timeoutMs: number,
    private readonly now: () => number,
    private readonly expire: (member: T) => void,
  ) {}

  /** Members waiting to join. */
  get size(): number {
    return this.since.size;
  }

  /** `member` starts waiting now (again, if it already was). */
  start(member: T): void {
    this.since.delete(member); // re-inserted at the end: the order stays oldest first
    this.since.set(member, this.now());
    this.arm();
  }

  /** `member` joined a room or went away. The timer stays: at worst it fires early and re-arms. */
  stop(member: T): void {
    this.since.delete(member);
  }

  /** Forgets every member and stops the timer (server shutdown). */
  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.since.clear();
  }

  private arm(): void {
    if (this.timer !== undefined) return;
    const oldest = this.since.values().next();
    if (oldest.done) return;
    this.timer = setTimeout(this.fire, Math.max(0, oldest.value + this.timeoutMs - this.now()));
    this.timer.unref(); // the sockets, not this timer, keep a server's process alive
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    const now = this.now();
    try {
      for (const [member, since] of this.since) {
        if (now - since < this.timeoutMs) break; // this one and everyone after it still have time
        this.since.delete(member);
        this.expire(member);
      }
    } finally {
      this.arm();
    }
  };
}
