/**
 * Failure consensus (kameo: "B and C query each other for consensus after 100 ms; if a majority agree A
 * is down…"). When we lose a peer we ask neighbours that can judge — the ones whose announced active
 * view contains it — "can you reach it?" with a query frame; answers are counted until every asked
 * neighbour answered or consensusTimeoutMs passed. The peer manager turns the tally into a verdict:
 * a strict majority of answers "unreachable" → down; otherwise unreachable from us only.
 *
 * Bounded: at most maxInflightQueries queries, one per target. Answers with an unknown qid, from a peer
 * we did not ask, for another target, or a second answer from the same peer are ignored and counted.
 */
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Random } from '../core/random.js';
import type { AnswerFrame, PeerId, QueryFrame } from '../wire/frames.js';

export interface Tally {
  asked: number;
  reachable: number;
  unreachable: number;
}

export type AnswerRejection = 'unknown-qid' | 'not-asked' | 'wrong-target' | 'duplicate';

interface Query {
  qid: number;
  target: PeerId;
  asked: Set<PeerId>;
  answered: Set<PeerId>;
  reachable: number;
  unreachable: number;
  timer: TimerHandle;
}

export interface ConsensusHooks {
  send(to: PeerId, frame: QueryFrame): void;
  /** The query for `target` is over (all answered, or timed out). */
  decide(target: PeerId, tally: Tally): void;
}

export class Consensus {
  private readonly byQid = new Map<number, Query>();
  private readonly byTarget = new Map<PeerId, Query>();
  queriesSent = 0;

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    private readonly cfg: { consensusTimeoutMs: number; maxInflightQueries: number },
    private readonly hooks: ConsensusHooks,
  ) {}

  get inflight(): number {
    return this.byQid.size;
  }

  pending(target: PeerId): boolean {
    return this.byTarget.has(target);
  }

  /** Asks `askees` about `target`. False when no query could be started (none to ask, or at the limit). */
  start(target: PeerId, askees: readonly PeerId[]): boolean {
    if (askees.length === 0 || this.byTarget.has(target) || this.byQid.size >= this.cfg.maxInflightQueries) return false;
    let qid = this.random.nextU32();
    while (this.byQid.has(qid)) qid = (qid + 1) >>> 0;
    const q: Query = {
      qid,
      target,
      asked: new Set(askees),
      answered: new Set(),
      reachable: 0,
      unreachable: 0,
      timer: this.clock.setTimer(this.cfg.consensusTimeoutMs, () => this.finish(q)),
    };
    this.byQid.set(qid, q);
    this.byTarget.set(target, q);
    for (const to of q.asked) {
      this.queriesSent++;
      this.hooks.send(to, { kind: 'query', qid, target });
    }
    return true;
  }

  /** Counts an answer; returns why it was rejected, or null when it counted. */
  answer(from: PeerId, frame: AnswerFrame): AnswerRejection | null {
    const q = this.byQid.get(frame.qid);
    if (q === undefined) return 'unknown-qid';
    if (!q.asked.has(from)) return 'not-asked';
    if (frame.target !== q.target) return 'wrong-target';
    if (q.answered.has(from)) return 'duplicate';
    q.answered.add(from);
    if (frame.reachable) q.reachable++;
    else q.unreachable++;
    if (q.answered.size === q.asked.size) this.finish(q);
    return null;
  }

  /** A neighbour we asked went away: stop waiting for it. */
  forget(peer: PeerId): void {
    for (const q of [...this.byQid.values()]) {
      if (q.asked.delete(peer) && q.answered.size >= q.asked.size) this.finish(q);
    }
  }

  /** The target came back: drop its query without a verdict. */
  cancel(target: PeerId): void {
    const q = this.byTarget.get(target);
    if (q !== undefined) this.drop(q);
  }

  stop(): void {
    for (const q of [...this.byQid.values()]) this.drop(q);
  }

  private drop(q: Query): void {
    this.clock.cancelTimer(q.timer);
    this.byQid.delete(q.qid);
    this.byTarget.delete(q.target);
  }

  private finish(q: Query): void {
    if (this.byQid.get(q.qid) !== q) return;
    this.drop(q);
    this.hooks.decide(q.target, { asked: q.asked.size, reachable: q.reachable, unreachable: q.unreachable });
  }
}

/** kameo's majority rule over the answers received. No answers → null (decide on local evidence). */
export function verdict(t: Tally): 'down' | 'unreachable' | null {
  const answers = t.reachable + t.unreachable;
  if (answers === 0) return null;
  return t.unreachable * 2 > answers ? 'down' : 'unreachable';
}
