/**
 * Membership: the partial-view overlay (HyParView, Leitão et al., DSN 2007) on top of the dial rule.
 *
 * - Active view: accepted connections, at most maxPooledConnections. A node dials for activeViewTarget
 *   of them itself — but only peers with a larger id (dial-policy.ts). When it still lacks neighbours it
 *   sends a dial-me walk: a `peers forward-join` frame with itself as origin, forwarded at random for up
 *   to forwardJoinTtl hops until a node with a smaller id and room in its view dials it.
 * - Passive view: the rest of the table, capped at maxPassivePeers, fed by peers frames:
 *   `exchange` — a node's active view, sent to every neighbour when it changes. It teaches the room and
 *     tells each neighbour who else can judge a lost peer (consensus asks those "informed" neighbours);
 *   `shuffle` / `shuffle-reply` — a random sample walked shuffleTtl hops, answered by the last node to
 *     the hop it came from (a reply straight to the origin would need a connection the dial rule may
 *     forbid), every shuffleIntervalMs.
 * - Repair: every gossipIntervalMs the view is topped up from the passive view (a lost neighbour is
 *   replaced), and host-announced peers are dialed at once when there is room.
 */
import type { TimerHandle } from '../core/clock.js';
import { sample, shuffleInPlace } from '../core/random.js';
import type { PeerId, PeerRecord, PeersFrame } from '../wire/frames.js';
import { MAX_RECORDS_PER_FRAME } from '../wire/limits.js';
import { newEntry, type PeerContext } from './context.js';
import { isDialer } from './dial-policy.js';
import type { Health } from './health.js';
import { toRecord } from './peer-table.js';
import { checkRecord, validPeerId } from './records.js';
import type { PeerEntry } from './types.js';

const UNWANTED = new Set(['failed', 'dead', 'down']);

export class Membership {
  /** Each neighbour's announced active view (from its latest exchange). */
  private readonly views = new Map<PeerId, Set<PeerId>>();
  private tickTimer: TimerHandle | undefined;
  private shuffleTimer: TimerHandle | undefined;
  private announceTimer: TimerHandle | undefined;
  /** Since when this node has had no connection at all (undefined: it has one). */
  private isolatedSince: number | undefined;

  constructor(
    private readonly ctx: PeerContext,
    private readonly health: Health,
  ) {}

  start(): void {
    this.isolatedSince = this.ctx.clock.now();
    this.tick();
    this.armShuffle();
  }

  stop(): void {
    const { clock } = this.ctx;
    for (const t of [this.tickTimer, this.shuffleTimer, this.announceTimer]) if (t !== undefined) clock.cancelTimer(t);
    this.tickTimer = this.shuffleTimer = this.announceTimer = undefined;
    this.views.clear();
  }

  private selfRecord(): PeerRecord {
    return { id: this.ctx.localId, role: this.ctx.role, addrs: this.ctx.addrs.slice(), age: 0 };
  }

  // ---- the table --------------------------------------------------------------------------------

  /** Adds or refreshes a peer; undefined when the passive view is full. */
  remember(r: PeerRecord, source: 'host' | PeerId): PeerEntry | undefined {
    const { ctx } = this;
    // A record's age is hearsay: a neighbour could claim any age and so make a peer dead on its first
    // failed dial. Only a host announcement is trusted with it; a peer heard of from a neighbour counts
    // as seen when we learnt of it, and the dead-peer timeout runs from there.
    const now = ctx.clock.now();
    const seenAt = source === 'host' ? now - r.age : now;
    const addrs = r.addrs.length > 0 ? r.addrs.slice() : [r.id];
    const res = ctx.table.upsert(r.id, r.role, addrs, source, seenAt, () => newEntry(r.id, r.role, addrs, source, seenAt));
    if (res === 'full') {
      ctx.reject('passive-full');
      return undefined;
    }
    return ctx.table.get(r.id);
  }

  /** The host announced `e` (bootstrap, signaling peer-joined): dial it if we are its dialer and have room. */
  hostAnnounced(e: PeerEntry): void {
    const { ctx } = this;
    if (!ctx.running || !isDialer(ctx.localId, e.id) || e.targeted || ctx.isLinked(e.id)) return;
    if (ctx.poolUsed() >= ctx.cfg.maxPooledConnections) return;
    // With a full view, still dial with probability target/room size, so a newcomer whose known peers all
    // sort below it (and who therefore cannot dial) gets about activeViewTarget inbound connections.
    const want = this.deficit() > 0 || ctx.random.next() < ctx.cfg.activeViewTarget / Math.max(1, ctx.table.size);
    if (want) this.health.target(e);
  }

  private deficit(): number {
    let pending = 0;
    for (const e of this.ctx.table.entries()) {
      if (e.targeted && !this.ctx.table.active.has(e.id) && !UNWANTED.has(e.health)) pending++;
    }
    return this.ctx.cfg.activeViewTarget - this.ctx.table.active.size - pending;
  }

  /** Neighbours whose announced view contains `target`. */
  informedAbout(target: PeerId): PeerId[] {
    const out: PeerId[] = [];
    for (const n of this.ctx.neighbours()) if (n !== target && this.views.get(n)?.has(target)) out.push(n);
    return out;
  }

  /** Forgets what `id` told us: its view and the passive records only it vouched for. */
  dropRecordsOf(id: PeerId): number {
    const { ctx } = this;
    let dropped = this.views.get(id)?.size ?? 0;
    this.views.delete(id);
    for (const e of [...ctx.table.entries()]) {
      if (e.source !== id || ctx.table.active.has(e.id) || e.targeted || e.dialing) continue;
      this.health.forget(e);
      ctx.table.remove(e.id);
      dropped++;
    }
    return dropped;
  }

  // ---- active view changes ------------------------------------------------------------------------

  neighbourUp(): void {
    this.scheduleAnnounce();
  }

  neighbourDown(id: PeerId): void {
    // Its announced view is kept (they are its records until it is dead, or down with
    // invalidateRecordsOnDown); consensus only ever asks current neighbours.
    this.health.consensus.forget(id);
    this.scheduleAnnounce();
    this.fill();
  }

  private scheduleAnnounce(): void {
    if (this.announceTimer !== undefined || !this.ctx.running) return;
    this.announceTimer = this.ctx.clock.setTimer(this.ctx.cfg.viewAnnounceDelayMs, () => {
      this.announceTimer = undefined;
      this.announce();
    });
  }

  /** Sends every neighbour our active view (without itself). */
  private announce(): void {
    const { ctx } = this;
    const now = ctx.clock.now();
    const active = ctx.neighbours();
    for (const to of active) {
      const records: PeerRecord[] = [];
      for (const id of active) {
        const e = ctx.table.get(id);
        if (id !== to && e !== undefined && records.length < MAX_RECORDS_PER_FRAME) records.push(toRecord(e, now, true));
      }
      ctx.sendFrame(to, { kind: 'peers', op: 'exchange', ttl: 0, origin: ctx.localId, records });
    }
  }

  // ---- maintenance ------------------------------------------------------------------------------

  private tick(): void {
    this.tickTimer = this.ctx.clock.setTimer(this.ctx.cfg.gossipIntervalMs, () => this.tick());
    // Views of peers that left the table go with them (bounds the map by the table).
    for (const id of this.views.keys()) if (this.ctx.table.get(id) === undefined) this.views.delete(id);
    this.fill();
  }

  /** Tops the active view up to activeViewTarget from the passive view; asks for dials when it cannot. */
  fill(): void {
    const { ctx } = this;
    if (!ctx.running) return;
    let deficit = this.deficit();
    if (deficit <= 0) return;
    const candidates = ctx.table
      .passive()
      .filter((e) => isDialer(ctx.localId, e.id) && !e.targeted && !e.dialing && !ctx.isLinked(e.id) && !UNWANTED.has(e.health));
    for (const e of shuffleInPlace(candidates, ctx.random)) {
      if (deficit <= 0) break;
      this.health.target(e);
      deficit--;
    }
    if (deficit > 0 && this.someoneCouldDialUs()) this.sendDialMe();
    if (ctx.poolUsed() > 0) {
      this.isolatedSince = undefined;
    } else {
      this.isolatedSince ??= ctx.clock.now();
      if (deficit > 0 && ctx.clock.now() - this.isolatedSince >= ctx.cfg.isolationDialDelayMs) this.breakIsolation();
    }
  }

  /** No connection at all and nobody to ask for a dial: dial one known peer ourselves (see dialAgainstRule). */
  private breakIsolation(): void {
    const { ctx } = this;
    const candidates = ctx.table.passive().filter((e) => !UNWANTED.has(e.health) && !ctx.isLinked(e.id));
    if (candidates.some((e) => e.dialing || e.attemptTimer !== undefined)) return; // one at a time
    const pick = candidates[ctx.random.int(candidates.length)];
    if (pick) this.health.dialAgainstRule(pick);
  }

  /** A known, unconnected peer that sorts below us exists: a dial-me walk may reach it (or its like). */
  private someoneCouldDialUs(): boolean {
    for (const e of this.ctx.table.passive()) {
      if (!isDialer(this.ctx.localId, e.id) && !this.ctx.isLinked(e.id) && !UNWANTED.has(e.health)) return true;
    }
    return false;
  }

  private sendDialMe(): void {
    const nbrs = this.ctx.neighbours();
    if (nbrs.length === 0) return;
    const to = nbrs[this.ctx.random.int(nbrs.length)] as PeerId;
    const ttl = this.ctx.cfg.forwardJoinTtl;
    this.ctx.sendFrame(to, { kind: 'peers', op: 'forward-join', ttl, origin: this.ctx.localId, records: [this.selfRecord()] });
  }

  private armShuffle(): void {
    const { ctx } = this;
    // ±25% so neighbours do not shuffle in lockstep.
    const delay = ctx.cfg.shuffleIntervalMs * (0.75 + 0.5 * ctx.random.next());
    this.shuffleTimer = ctx.clock.setTimer(delay, () => {
      this.armShuffle();
      const nbrs = ctx.neighbours();
      if (nbrs.length === 0) return;
      const to = nbrs[ctx.random.int(nbrs.length)] as PeerId;
      const records = [this.selfRecord(), ...this.sampleRecords(ctx.cfg.shuffleSize - 1, to)];
      ctx.sendFrame(to, { kind: 'peers', op: 'shuffle', ttl: ctx.cfg.shuffleTtl, origin: ctx.localId, records });
    });
  }

  private sampleRecords(n: number, exclude: PeerId): PeerRecord[] {
    const { ctx } = this;
    const now = ctx.clock.now();
    const pool: PeerEntry[] = [];
    for (const e of ctx.table.entries()) if (e.id !== exclude && e.health !== 'dead') pool.push(e);
    return sample(pool, Math.max(0, n), ctx.random).map((e) => toRecord(e, now, ctx.table.active.has(e.id)));
  }

  // ---- peers frames -----------------------------------------------------------------------------

  /** Handles a peers frame from neighbour `from`; false when it was a protocol error. */
  onPeers(from: PeerId, frame: PeersFrame): boolean {
    const { ctx } = this;
    let ok = true;
    let records = frame.records;
    if (records.length > ctx.cfg.maxRecordsPerPeersFrame) {
      ctx.reject('peers-oversized');
      records = records.slice(0, ctx.cfg.maxRecordsPerPeersFrame);
      ok = false;
    }
    const valid: PeerRecord[] = [];
    for (const r of records) {
      const why = checkRecord(r, ctx.localId);
      if (why === null) valid.push(r);
      else ctx.reject(why);
    }
    switch (frame.op) {
      case 'exchange':
        this.views.set(from, new Set(valid.map((r) => r.id)));
        this.learn(valid, from);
        break;
      case 'shuffle': {
        this.learn(valid, from);
        const next = this.nextHop(from, frame.origin);
        if (frame.ttl > 0 && next !== undefined) {
          ctx.sendFrame(next, { ...frame, ttl: frame.ttl - 1, records: valid });
        } else {
          const n = Math.min(ctx.cfg.shuffleSize, Math.max(1, valid.length));
          ctx.sendFrame(from, { kind: 'peers', op: 'shuffle-reply', ttl: 0, origin: ctx.localId, records: this.sampleRecords(n, from) });
        }
        break;
      }
      case 'shuffle-reply':
        this.learn(valid, from);
        break;
      case 'forward-join':
        return this.onDialMe(from, frame, valid) && ok;
    }
    return ok;
  }

  private learn(records: PeerRecord[], from: PeerId): void {
    for (const r of records) this.remember(r, from);
  }

  private nextHop(from: PeerId, origin: PeerId): PeerId | undefined {
    const nbrs = this.ctx.neighbours().filter((n) => n !== from && n !== origin);
    return nbrs.length === 0 ? undefined : nbrs[this.ctx.random.int(nbrs.length)];
  }

  /** A dial-me walk: dial its origin if the dial rule lets us and we have room, else pass it on. */
  private onDialMe(from: PeerId, frame: PeersFrame, valid: PeerRecord[]): boolean {
    const { ctx } = this;
    const origin = frame.origin;
    const rec = valid.find((r) => r.id === origin);
    if (!validPeerId(origin) || origin === ctx.localId || rec === undefined) {
      ctx.reject('forward-join-bad-origin');
      return false;
    }
    const e = this.remember(rec, from);
    const room = ctx.poolUsed() < ctx.cfg.maxPooledConnections && (frame.ttl === 0 || ctx.table.active.size < ctx.cfg.activeViewTarget);
    if (e !== undefined && !ctx.isLinked(origin) && isDialer(ctx.localId, origin) && room) {
      this.health.target(e);
      return true;
    }
    const next = this.nextHop(from, origin);
    if (frame.ttl > 0 && next !== undefined) ctx.sendFrame(next, { ...frame, ttl: frame.ttl - 1, records: [rec] });
    return true;
  }
}
