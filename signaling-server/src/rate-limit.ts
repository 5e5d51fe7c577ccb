/**
 * Per-connection limits on what a client may send: a token bucket for the message rate, and a sliding
 * count of the errors it caused (repeated abuse closes the connection). Time comes in as `now` so the
 * arithmetic is testable without timers.
 */

/** Classic token bucket: `burst` tokens, refilled at `perSecond`; one token per message. */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    now: number,
  ) {
    this.tokens = burst;
    this.last = now;
  }

  /** Takes a token if there is one. */
  take(now: number): boolean {
    const elapsed = Math.max(0, now - this.last);
    this.last = now;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.perSecond) / 1000);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Counts events in a fixed window that restarts at the first event after it expires. */
export class WindowCounter {
  private count = 0;
  private windowStart = 0;

  constructor(private readonly windowMs: number) {}

  /** Records one event and returns how many fell in the current window, this one included. */
  add(now: number): number {
    if (this.count === 0 || now - this.windowStart >= this.windowMs) {
      this.windowStart = now;
      this.count = 0;
    }
    return ++this.count;
  }
}
