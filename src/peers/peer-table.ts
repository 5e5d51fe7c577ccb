/**
 * The known-peer table: every peer we are connected to (the active view) plus a bounded passive view of
 * peers we know but are not connected to. The network feeds the passive view (peers frames), so it is
 * capped at maxPassivePeers: a newcomer replaces a random passive entry that nothing is waiting on
 * (HyParView's passive-view replacement), and is dropped when there is none.
 */
import type { Random } from '../core/random.js';
import type { PeerId, PeerRecord, Role } from '../wire/frames.js';
import type { PeerEntry } from './types.js';

export type UpsertResult = 'added' | 'updated' | 'full';

export class PeerTable {
  private readonly map = new Map<PeerId, PeerEntry>();
  /** Entries with an open, accepted connection (kept in sync by the manager). */
  readonly active = new Set<PeerId>();

  constructor(
    private readonly random: Random,
    private readonly maxPassive: () => number,
    /** Entries that must stay: a connection (even one still in its handshake) uses them. */
    private readonly pinned: (id: PeerId) => boolean = () => false,
    /** Called for an entry evicted to make room, so its timers (dead-peer, consensus) are cancelled. */
    private readonly onEvict: (e: PeerEntry) => void = () => {},
  ) {}

  get size(): number {
    return this.map.size;
  }

  get passiveCount(): number {
    return this.map.size - this.active.size;
  }

  get(id: PeerId): PeerEntry | undefined {
    return this.map.get(id);
  }

  entries(): IterableIterator<PeerEntry> {
    return this.map.values();
  }

  /** Passive entries, in table order. */
  passive(): PeerEntry[] {
    const out: PeerEntry[] = [];
    for (const e of this.map.values()) if (!this.active.has(e.id)) out.push(e);
    return out;
  }

  /**
   * Adds or refreshes `id`. A refresh updates the addresses and role, never the source of a host-given
   * entry and never lastSeen (a record is hearsay, not contact).
   */
  upsert(
    id: PeerId,
    role: Role,
    addrs: string[],
    source: 'host' | PeerId,
    seenAt: number,
    create: () => PeerEntry,
  ): UpsertResult {
    const e = this.map.get(id);
    if (e !== undefined) {
      if (addrs.length > 0) e.addrs = addrs;
      e.role = role;
      // lastSeen is contact with the peer itself: hearsay never refreshes it.
      if (source === 'host') e.source = 'host';
      return 'updated';
    }
    if (this.passiveCount >= this.maxPassive() && !this.evictOne(source === 'host')) return 'full';
    this.map.set(id, create());
    return 'added';
  }

  /** Adds an entry for an open connection: the active view has its own bound (maxPooledConnections). */
  insertForConnection(e: PeerEntry): void {
    this.map.set(e.id, e);
  }

  /** Evicts passive entries over the bound (after a connection ends, its entry turns passive). */
  trim(): void {
    while (this.passiveCount > this.maxPassive() && this.evictOne(true)) {
      // one random evictable entry per round
    }
  }

  remove(id: PeerId): PeerEntry | undefined {
    const e = this.map.get(id);
    if (e === undefined) return undefined;
    this.map.delete(id);
    this.active.delete(id);
    return e;
  }

  /** Evicts a random passive entry nothing waits on (host-given ones only for another host entry). */
  private evictOne(forHost: boolean): boolean {
    const candidates: PeerEntry[] = [];
    for (const e of this.map.values()) {
      if (this.active.has(e.id) || e.targeted || e.dialing || this.pinned(e.id)) continue;
      if (e.source === 'host' && !forHost) continue;
      candidates.push(e);
    }
    if (candidates.length === 0) return false;
    const victim = candidates[this.random.int(candidates.length)] as PeerEntry;
    this.map.delete(victim.id);
    this.onEvict(victim);
    return true;
  }
}

/** A record describing `e`, for peers frames (age relative to `now`). */
export function toRecord(e: PeerEntry, now: number, connected: boolean): PeerRecord {
  // age is a u32 on the wire: clamp.
  const age = connected ? 0 : Math.min(0xffff_ffff, Math.max(0, Math.round(now - e.lastSeen)));
  return { id: e.id, role: e.role, addrs: e.addrs.slice(), age };
}
