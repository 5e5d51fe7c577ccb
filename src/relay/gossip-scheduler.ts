/**
 * The gossip's timers, all on the injected clock: the rounds (a random first phase, so nodes started
 * together do not gossip in lockstep, then every gossipInterval), the prune sweeps (every
 * pruneInterval), and the lazy-push flush, armed for the moment the oldest unannounced id becomes
 * announceable (so an ihave goes out lazyPushDelay after its message, not a whole round later).
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Random } from '../core/random.js';
import type { GossipOptions } from './gossip-options.js';

export interface ScheduledWork {
  round(): void;
  prune(): void;
  /** Sends the announceable ids; false when it held them back (they go with the next flush). */
  flush(): boolean;
  /** When the next flush is due (undefined: nothing to announce). */
  nextFlushAt(): number | undefined;
}

export class GossipScheduler {
  private roundTimer: TimerHandle | undefined;
  private pruneTimer: TimerHandle | undefined;
  private flushTimer: TimerHandle | undefined;
  private active = false;

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly options: GossipOptions,
    private readonly work: ScheduledWork,
  ) {}

  get running(): boolean {
    return this.active;
  }

  start(): void {
    if (this.active) return;
    this.active = true;
    this.armRound(this.random.int(Math.max(1, Math.floor(this.options.gossipInterval))));
    this.armPrune();
    this.armFlush();
  }

  stop(): void {
    this.active = false;
    for (const t of [this.roundTimer, this.pruneTimer, this.flushTimer]) if (t !== undefined) this.clock.cancelTimer(t);
    this.roundTimer = this.pruneTimer = this.flushTimer = undefined;
  }

  /** Arms the flush for the next announceable id; call when a message is cached. */
  armFlush(): void {
    // Called for every cached message. An armed flush is never late for a newer message: the oldest
    // unannounced id only gets newer (announced or evicted from the head), so nothing to do then.
    if (!this.active || this.flushTimer !== undefined) return;
    const due = this.work.nextFlushAt();
    if (due === undefined) return;
    const now = this.clock.now();
    this.flushTimer = this.clock.setTimer(Math.max(0, due - now), () => {
      this.flushTimer = undefined;
      if (this.active && this.work.flush()) this.armFlush();
    });
  }

  private armRound(delay: number): void {
    this.roundTimer = this.clock.setTimer(delay, () => {
      if (!this.active) return;
      this.work.round();
      this.armRound(this.options.gossipInterval);
      this.armFlush();
    });
  }

  private armPrune(): void {
    this.pruneTimer = this.clock.setTimer(this.options.pruneInterval, () => {
      if (!this.active) return;
      this.work.prune();
      this.armPrune();
    });
  }
}
