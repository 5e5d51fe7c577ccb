/**
 * A node incarnation's virtual Clock. Timers are events in the network's queue tagged with the node and
 * incarnation: a crash (or restart) makes them stale, a freeze makes them wait for the thaw.
 */
import type { Clock, TimerHandle } from '../../core/clock.js';
import type { SimKernel } from './kernel.js';
import type { NodeRecord } from './node.js';

export class SimClock implements Clock {
  constructor(
    private readonly kernel: SimKernel,
    private readonly node: NodeRecord,
    private readonly inc: number,
  ) {}

  now(): number {
    return this.kernel.now();
  }

  setTimer(delayMs: number, fn: () => void): TimerHandle {
    return this.kernel.setTimer(this.node, this.inc, delayMs, fn);
  }

  cancelTimer(handle: TimerHandle): void {
    this.kernel.cancelTimer(handle);
  }
}
