/**
 * Per-peer health: connection attempts on the failure tracker's timetables, the suspect → consensus →
 * down/unreachable path when a connection is lost, the dead-peer timeout, and recovery.
 *
 * How the two seed documents combine (see failure-tracker.ts): a peer we never reached is attempted on
 * kameo's timetable (bootstrap, then every gossip interval, `failed` after maxPeerFailures, then every
 * peerRetryInterval, without end); a peer we lost is attempted on the backoff timetable (5 s, 10 s, 20 s …
 * ≤ 300 s, `failed` after maxPeerFailures, given up after maxAttempts[role]). Both reset on success. Only
 * the dialer (smaller id) attempts; the other side's view of the peer moves through suspect → down/
 * unreachable → dead just the same.
 */
import type { TimerHandle } from '../core/clock.js';
import { sample } from '../core/random.js';
import type { PeerId } from '../wire/frames.js';
import { Consensus, verdict, type Tally } from './consensus.js';
import type { PeerContext } from './context.js';
import { isDialer } from './dial-policy.js';
import { nextAttemptDelay, recordFailure, recordSuccess, startReconnect } from './failure-tracker.js';
import type { PeerEntry, SuspectCause } from './types.js';

/** Health states a returning connection "recovers" from. */
const TROUBLED = new Set(['suspect', 'unreachable', 'down', 'failed', 'dead']);

export interface HealthHooks {
  /** Neighbours (in our active view) that announced `target` in theirs: they can judge it. */
  informedAbout(target: PeerId): PeerId[];
  /** Drops the records `id` announced; returns how many. */
  dropRecordsOf(id: PeerId): number;
}

export class Health {
  readonly consensus: Consensus;
  private readonly consensusTimers = new Map<PeerId, TimerHandle>();
  private readonly dialTimers = new Map<PeerId, TimerHandle>();

  constructor(
    private readonly ctx: PeerContext,
    private readonly hooks: HealthHooks,
  ) {
    this.consensus = new Consensus(ctx.clock, ctx.random.fork('consensus'), ctx.cfg, {
      send: (to, frame) => ctx.sendFrame(to, frame),
      decide: (target, tally) => this.decide(target, tally),
    });
  }

  // ---- attempts ---------------------------------------------------------------------------------

  /** We want a connection to `e` (we are its dialer): attempt now, or keep its schedule. */
  target(e: PeerEntry): void {
    if (!isDialer(this.ctx.localId, e.id)) return;
    e.targeted = true;
    if (e.dialing || e.attemptTimer !== undefined || this.ctx.table.active.has(e.id)) return;
    this.attempt(e);
  }

  /**
   * Dials `e` although the dial rule says `e` should dial us. Only for a node with no connection at all:
   * if every peer it knows sorts below it and none of them knows it (it learnt their ids, they never
   * learnt its), it would wait forever. A dial that crosses theirs is settled by preferConnection.
   */
  dialAgainstRule(e: PeerEntry): void {
    if (e.dialing || this.ctx.isLinked(e.id)) return;
    e.targeted = true;
    if (e.attemptTimer === undefined) this.attempt(e);
  }

  untarget(e: PeerEntry): void {
    e.targeted = false;
    this.cancelAttempt(e);
  }

  private cancelAttempt(e: PeerEntry): void {
    if (e.attemptTimer !== undefined) this.ctx.clock.cancelTimer(e.attemptTimer);
    e.attemptTimer = undefined;
    e.nextAttemptAt = undefined;
  }

  private schedule(e: PeerEntry, delayMs: number): void {
    this.cancelAttempt(e);
    const { clock } = this.ctx;
    e.nextAttemptAt = clock.now() + delayMs;
    e.attemptTimer = clock.setTimer(delayMs, () => {
      e.attemptTimer = undefined;
      e.nextAttemptAt = undefined;
      if (this.ctx.table.get(e.id) === e) this.attempt(e);
    });
  }

  private attempt(e: PeerEntry): void {
    const { ctx } = this;
    if (!ctx.running || !e.targeted || e.dialing || ctx.isLinked(e.id)) return;
    if (ctx.poolUsed() >= ctx.cfg.maxPooledConnections) {
      // Pool full: not a failure of the peer; look again next round.
      this.schedule(e, ctx.cfg.gossipIntervalMs);
      return;
    }
    e.dialing = true;
    e.attemptsMade++;
    e.lastAttemptAt = ctx.clock.now();
    this.dialTimers.set(
      e.id,
      ctx.clock.setTimer(ctx.cfg.dialTimeoutMs, () => {
        this.dialTimers.delete(e.id);
        if (e.dialing) this.attemptFailed(e, 'dial-timeout');
      }),
    );
    ctx.dial(e);
  }

  /** A connection to `id` opened (ours or theirs): the dial, if any, is over. */
  dialSettled(id: PeerId): void {
    const t = this.dialTimers.get(id);
    if (t !== undefined) this.ctx.clock.cancelTimer(t);
    this.dialTimers.delete(id);
    const e = this.ctx.table.get(id);
    if (e) e.dialing = false;
  }

  /** An attempt failed: dial failure, dial timeout, or the connection died before its handshake. */
  attemptFailed(e: PeerEntry, reason: string): void {
    const { ctx } = this;
    this.dialSettled(e.id);
    ctx.counters.dialFailures++;
    ctx.reject(`attempt-${reason}`);
    const out = recordFailure(e.failure, ctx.cfg, ctx.random);
    // A peer the consensus found alive elsewhere stays `unreachable` (from us) however often we fail.
    if (out.becameFailed && e.health !== 'unreachable') {
      e.health = 'failed';
      ctx.counters.failures++;
      this.startDeadClock(e);
      ctx.notify('peer:failed', e.id, e.failure.failures);
      this.boundRetrying(e);
    }
    if (!e.targeted) return;
    if (out.nextDelayMs === null) {
      e.targeted = false;
      ctx.counters.gaveUp++;
      ctx.notify('peer:gave-up', e.id, e.failure.failures);
      return;
    }
    // Discovery rounds are periodic from the attempt's start (T+0, T+5 s, T+10 s); backoff counts from the failure.
    const from = e.failure.schedule === 'discovery' && e.lastAttemptAt !== undefined ? e.lastAttemptAt : ctx.clock.now();
    this.schedule(e, Math.max(0, from + out.nextDelayMs - ctx.clock.now()));
  }

  /** At most maxRetryingPeers failed peers keep being retried; the longest-failed ones stop first. */
  private boundRetrying(latest: PeerEntry): void {
    const failed: PeerEntry[] = [];
    for (const e of this.ctx.table.entries()) if (e.targeted && e.health === 'failed') failed.push(e);
    if (failed.length <= this.ctx.cfg.maxRetryingPeers) return;
    failed.sort((a, b) => (a.downSince ?? 0) - (b.downSince ?? 0) || (a.id < b.id ? -1 : 1));
    for (const e of failed.slice(0, failed.length - this.ctx.cfg.maxRetryingPeers)) if (e !== latest) this.untarget(e);
  }

  // ---- connection up / down ---------------------------------------------------------------------

  /** The peer joined our active view. */
  connected(e: PeerEntry): void {
    const { ctx } = this;
    this.dialSettled(e.id);
    this.cancelAttempt(e);
    this.cancelConsensus(e.id);
    const wasFailed = recordSuccess(e.failure, ctx.cfg);
    const recovered = wasFailed || TROUBLED.has(e.health);
    e.health = 'connected';
    e.everConnected = true;
    e.lastSeen = ctx.clock.now();
    e.downSince = undefined;
    if (e.deadTimer !== undefined) ctx.clock.cancelTimer(e.deadTimer);
    e.deadTimer = undefined;
    if (recovered) {
      ctx.counters.recoveries++;
      ctx.notify('peer:recovered', e.id);
    }
  }

  /** An accepted connection was lost (EOF/reset, or liveness gave up): suspect, then ask the others. */
  lost(e: PeerEntry, cause: SuspectCause): void {
    const { ctx } = this;
    e.health = 'suspect';
    // The loss is the last thing we know of it: the dead-peer timeout counts from here (kameo: T+0 → T+15 min).
    e.lastSeen = ctx.clock.now();
    ctx.counters.suspects++;
    ctx.notify('peer:suspect', e.id, cause);
    this.cancelConsensus(e.id);
    this.consensusTimers.set(
      e.id,
      ctx.clock.setTimer(ctx.cfg.consensusDelayMs, () => {
        this.consensusTimers.delete(e.id);
        this.askAbout(e);
      }),
    );
    this.reconnect(e);
  }

  /** We lost a connection we held: if we are the dialer, redial on the backoff timetable. */
  reconnect(e: PeerEntry): void {
    if (!isDialer(this.ctx.localId, e.id)) return;
    startReconnect(e.failure);
    e.targeted = true;
    const delay = nextAttemptDelay(e.failure, this.ctx.cfg, this.ctx.random);
    if (delay !== null) this.schedule(e, delay);
  }

  private cancelConsensus(id: PeerId): void {
    const t = this.consensusTimers.get(id);
    if (t !== undefined) this.ctx.clock.cancelTimer(t);
    this.consensusTimers.delete(id);
    this.consensus.cancel(id);
  }

  private askAbout(e: PeerEntry): void {
    if (e.health !== 'suspect' || this.ctx.table.get(e.id) !== e) return;
    // kameo asks only when more than two peers are known (someone besides us and the lost peer).
    const informed = this.ctx.table.size > 1 ? this.hooks.informedAbout(e.id) : [];
    const askees = informed.length > this.ctx.cfg.consensusFanout ? sample(informed, this.ctx.cfg.consensusFanout, this.ctx.random) : informed;
    if (this.consensus.start(e.id, askees)) this.ctx.counters.consensusQueries++;
    else this.decide(e.id, { asked: 0, reachable: 0, unreachable: 0 });
  }

  private decide(id: PeerId, tally: Tally): void {
    const { ctx } = this;
    const e = ctx.table.get(id);
    if (e === undefined || e.health !== 'suspect') return;
    // No one could judge: our own evidence (EOF or maxMissedPongs) decides.
    const v = verdict(tally) ?? 'down';
    if (v === 'unreachable') {
      e.health = 'unreachable';
      ctx.counters.unreachables++;
      ctx.notify('peer:unreachable', id, tally);
      return;
    }
    e.health = 'down';
    ctx.counters.downs++;
    this.startDeadClock(e);
    if (ctx.cfg.invalidateRecordsOnDown) ctx.counters.recordsDropped += this.hooks.dropRecordsOf(id);
    ctx.notify('peer:down', id, tally);
  }

  /** Answer to "can you reach `target`?": a neighbour we heard from recently, or ourselves. */
  canReach(target: PeerId, heardRecently: (id: PeerId) => boolean): boolean {
    if (target === this.ctx.localId) return true;
    const e = this.ctx.table.get(target);
    return e !== undefined && e.health === 'connected' && heardRecently(target);
  }

  // ---- dead-peer timeout ------------------------------------------------------------------------

  /** Failed or down: after deadPeerTimeoutMs without contact the peer is dead. */
  private startDeadClock(e: PeerEntry): void {
    if (e.deadTimer !== undefined) return;
    const { ctx } = this;
    e.downSince = e.lastSeen;
    const delay = Math.max(0, e.lastSeen + ctx.cfg.deadPeerTimeoutMs - ctx.clock.now());
    e.deadTimer = ctx.clock.setTimer(delay, () => {
      e.deadTimer = undefined;
      if (ctx.table.get(e.id) !== e || (e.health !== 'failed' && e.health !== 'down')) return;
      e.health = 'dead';
      const dropped = this.hooks.dropRecordsOf(e.id);
      ctx.counters.deads++;
      ctx.counters.recordsDropped += dropped;
      ctx.notify('peer:dead', e.id, dropped);
    });
  }

  /** The entry leaves the table: stop everything about it. */
  forget(e: PeerEntry): void {
    this.untarget(e);
    this.dialSettled(e.id);
    this.cancelConsensus(e.id);
    if (e.deadTimer !== undefined) this.ctx.clock.cancelTimer(e.deadTimer);
    e.deadTimer = undefined;
  }

  stop(): void {
    for (const e of this.ctx.table.entries()) this.forget(e);
    this.consensus.stop();
  }
}
