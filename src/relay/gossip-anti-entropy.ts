/**
 * Lazy push and push-pull anti-entropy, planned here and sent by the façade.
 *
 * Every gossipInterval a node picks `fanout` random peers; each is, with probability pushPullRatio, a
 * push target, otherwise a pull target.
 * - Push (Plumtree's lazy push, batched): an id becomes announceable lazyPushDelay after it arrived; a
 *   flush then sends the announceable ids in one ihave per peer — each id to `lazyFanout` peers not
 *   known to have it, the current push targets first, then random lazy peers. Nothing new, nothing pushed.
 * - Pull: a digest of the ids that became announceable within the anti-entropy window goes to each
 *   pull target. The target answers with the msgs of its own window that the digest lacks (at most
 *   maxPullPerRound) and asks (iwant, after the missing-id tracker's dedup) for the digest's ids it
 *   lacks: a complete exchange over the window. An empty window sends no digest (the other side's
 *   digests still reach us).
 *
 * The windows only cover recent ids, so a quiet network gossips almost nothing; the window is long
 * enough (several rounds) that a node missing a message meets it in several exchanges.
 */
import { sample, type Random } from '../core/random.js';
import type { MessageId, PeerId } from '../wire/frames.js';
import { Holding, type CachedMessage, type MessageCache } from './gossip-message-cache.js';
import type { GossipOptions } from './gossip-options.js';
import type { PeerTable } from './gossip-plumtree.js';

/** The peers a round contacts: `fanout` at random, each a push or (1 − pushPullRatio) a pull target. */
export function pickRoundTargets(
  fanout: number,
  o: GossipOptions,
  peers: PeerTable,
  random: Random,
): { push: PeerId[]; pull: PeerId[] } {
  const push: PeerId[] = [];
  const pull: PeerId[] = [];
  for (const t of sample(peers.ids(), fanout, random)) (random.next() < o.pushPullRatio ? push : pull).push(t);
  return { push, pull };
}

/** The announceable part of the cache: ids at least lazyPushDelay old. */
function announceableUpTo(now: number, o: GossipOptions): number {
  return now - o.lazyPushDelay;
}

/**
 * Lazy push: the ids that became announceable since the last flush, as one id list per peer. Each id
 * goes to lazyFanout peers not known to have it: the round's push targets first, then random lazy peers.
 */
export function planLazyPush(
  now: number,
  pushTargets: readonly PeerId[],
  o: GossipOptions,
  peers: PeerTable,
  cache: MessageCache,
  random: Random,
): Map<PeerId, MessageId[]> {
  const ihave = new Map<PeerId, MessageId[]>();
  const batch = cache.takeUnannounced(announceableUpTo(now, o), Infinity);
  if (batch.length === 0) return ihave;
  const lazy = peers.lazyIds();
  const present = pushTargets.filter((p) => peers.get(p) !== undefined);
  // Plain loops: this runs for every message a node relays.
  for (const entry of batch) {
    const holders = entry.holders;
    const recipients: PeerId[] = [];
    for (const p of present) if (recipients.length < o.lazyFanout && !holders.has(p)) recipients.push(p);
    if (recipients.length < o.lazyFanout) {
      const candidates: PeerId[] = [];
      for (const p of lazy) if (!holders.has(p) && !recipients.includes(p)) candidates.push(p);
      for (const p of sample(candidates, o.lazyFanout - recipients.length, random)) recipients.push(p);
    }
    if (recipients.length === 0) continue;
    const id = entry.frame.id;
    for (const r of recipients) {
      let ids = ihave.get(r);
      if (ids === undefined) ihave.set(r, (ids = []));
      ids.push(id);
      holders.set(r, Holding.Announced);
    }
  }
  return ihave;
}

/** The ids a digest lists now: those that became announceable within the anti-entropy window. */
export function digestIds(now: number, o: GossipOptions, cache: MessageCache): MessageId[] {
  const upTo = announceableUpTo(now, o);
  return cache.window(upTo - o.antiEntropyWindow, upTo, o.limits.maxIdsPerFrame).map((e) => e.frame.id);
}

/**
 * A digest's answer only covers the middle of the window: an id near either end of our window may be
 * just outside the requester's (it got the id earlier, or later, than we did), and sending it would be
 * a duplicate. A quarter of the window at each end absorbs that skew (at the defaults more than the
 * spread of delivery times between neighbours).
 */
export function serveMargin(o: GossipOptions): number {
  return o.antiEntropyWindow / 4;
}

/** The msgs to send in answer to a digest from `peer` listing `listed` (message keys). */
export function digestAnswer(
  now: number,
  peer: PeerId,
  listed: ReadonlySet<string>,
  o: GossipOptions,
  cache: MessageCache,
): CachedMessage[] {
  const upTo = announceableUpTo(now, o);
  const margin = serveMargin(o);
  const out: CachedMessage[] = [];
  for (const entry of cache.window(upTo - o.antiEntropyWindow + margin, upTo - margin, o.limits.maxIdsPerFrame)) {
    if (out.length >= o.maxPullPerRound) break;
    if (listed.has(entry.key) || entry.holders.get(peer) === Holding.Confirmed) continue;
    out.push(entry);
  }
  return out;
}

/** Splits `ids` into frames of at most `max` ids. */
export function chunkIds(ids: MessageId[], max: number): MessageId[][] {
  if (ids.length <= max) return [ids];
  const out: MessageId[][] = [];
  for (let i = 0; i < ids.length; i += max) out.push(ids.slice(i, i + max));
  return out;
}
