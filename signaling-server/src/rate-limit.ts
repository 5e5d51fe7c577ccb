/**
 * Per-connection limits on what a client may send: a token bucket for the message rate, and a count of
 * the errors it caused within a window (repeated abuse closes the connection). The state is a few plain
 * number fields of the connection's own object (session.ts) rather than objects of their own: a server
 * holds thousands of connections and each extra object costs heap per connection. Time comes in as
 * `now` so the arithmetic is testable without timers.
 */

/**
 * A token bucket of `burst` tokens refilled at `perSecond`, one token per message, kept as one number:
 * the time at which the bucket will be full again (the "theoretical arrival time" of GCRA). The bucket
 * then holds `burst - (fullAt - now) / interval` tokens, so it is the classic bucket, fractional
 * refill included, without a second field for the token count.
 */
export interface TokenBucketState {
  bucketFullAt: number;
}

/** A fresh bucket is full: any time not after `now` works. */
export const FULL_BUCKET_AT = 0;

/** Takes a token if there is one. */
export function takeToken(state: TokenBucketState, now: number, perSecond: number, burst: number): boolean {
  const interval = 1000 / perSecond;
  const fullAt = Math.max(state.bucketFullAt, now); // a bucket does not fill beyond full
  // At least one token left ⇔ full again no more than (burst − 1) intervals from now; the factor absorbs
  // float rounding in the sums, so a burst of exactly `burst` messages always passes.
  if (fullAt - now > (burst - 1) * interval * (1 + 1e-9)) return false;
  state.bucketFullAt = fullAt + interval;
  return true;
}

/** Events in a fixed window that restarts at the first event after it expires. */
export interface ErrorWindowState {
  errorCount: number;
  errorWindowStart: number;
}

/** Records one event and returns how many fell in the current window, this one included. */
export function countError(state: ErrorWindowState, now: number, windowMs: number): number {
  if (state.errorCount === 0 || now - state.errorWindowStart >= windowMs) {
    state.errorWindowStart = now;
    state.errorCount = 0;
  }
  return ++state.errorCount;
}
