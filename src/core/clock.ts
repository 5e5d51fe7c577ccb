/**
 * Time, injected. Protocol code (relay/, peers/) reads time and sets timers only through a Clock so the
 * simulator can drive it in virtual time; RealClock is the one place that touches the host's timers.
 */
export interface TimerHandle {
  readonly __timer: unique symbol;
}

export interface Clock {
  /**
   * Milliseconds since the Unix epoch, monotonic within a process (virtual in the simulator). Epoch-based
   * so that timestamps persisted by one run (seen-message stores) compare with the next run's.
   */
  now(): number;
  /** Calls `fn` once after `delayMs` (clamped to ≥ 0). */
  setTimer(delayMs: number, fn: () => void): TimerHandle;
  /** Cancels a pending timer; cancelling a fired or cancelled timer does nothing. */
  cancelTimer(handle: TimerHandle): void;
}

/**
 * The host's clock: performance.timeOrigin + performance.now() — epoch milliseconds that never step
 * backwards when the wall clock is adjusted — falling back to Date.now() where performance is missing.
 */
export class RealClock implements Clock {
  /** Looked up once: now() runs several times per message (Node's timeOrigin is a getter). */
  private readonly perf = (globalThis as { performance?: { now(): number; timeOrigin?: number } }).performance;
  private readonly origin = this.perf?.timeOrigin;

  now(): number {
    return this.origin !== undefined ? this.origin + this.perf!.now() : Date.now();
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
