/**
 * Time, injected. Protocol code (relay/, peers/) reads time and sets timers only through a Clock so the
 * simulator can drive it in virtual time; RealClock is the one place that touches the host's timers.
 */
export interface TimerHandle {
  readonly __timer: unique symbol;
}

export interface Clock {
  /** Milliseconds on a monotonic timeline (virtual in the simulator). */
  now(): number;
  /** Calls `fn` once after `delayMs` (clamped to ≥ 0). */
  setTimer(delayMs: number, fn: () => void): TimerHandle;
  /** Cancels a pending timer; cancelling a fired or cancelled timer does nothing. */
  cancelTimer(handle: TimerHandle): void;
}

/** The host's clock: performance.now() when present (monotonic), else Date.now(). */
export class RealClock implements Clock {
  private readonly origin = Date.now();

  now(): number {
    const perf = (globalThis as { performance?: { now(): number } }).performance;
    return perf ? perf.now() : Date.now() - this.origin;
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    const t = setTimeout(fn, Math.max(0, delayMs));
    // Timers must not keep a Node process alive on their own (a closed node exits cleanly).
    (t as { unref?: () => void }).unref?.();
    return t as unknown as TimerHandle;
  }

  cancelTimer(handle: TimerHandle): void {
    clearTimeout(handle as unknown as ReturnType<typeof setTimeout>);
  }
}
