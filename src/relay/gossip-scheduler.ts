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
  private flushAt = Infinity;
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
    this.flushAt = Infinity;
  }

  /** (Re)arms the flush for the next announceable id; call when a message is cached. */
  armFlush(): void {
    if (!this.active) return;
    const due = this.work.nextFlushAt();
    // Called for every cached message: usually a flush is armed already for an earlier id.
    if (due === undefined || due >= this.flushAt) return;
    const now = this.clock.now();
    const at = Math.max(due, now);
    if (at >= this.flushAt) return;
    if (this.flushTimer !== undefined) this.clock.cancelTimer(this.flushTimer);
    this.flushAt = at;
    this.flushTimer = this.clock.setTimer(at - now, () => {
      this.flushTimer = undefined;
      this.flushAt = Infinity;
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
